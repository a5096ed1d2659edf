#!/bin/bash
# The stand-in's setup_expensify.yml: the repository at the issue's commit, the bug reintroduced.
set -euo pipefail
issue="/app/tests/issues/$ISSUE_ID"
cd /app/expensify
git checkout -q "$(cat "$issue/commit_id.txt")"
if [ -s "$issue/revert_command.txt" ]; then bash "$issue/revert_command.txt"; fi
git apply "$issue/bug_reintroduce.patch"
