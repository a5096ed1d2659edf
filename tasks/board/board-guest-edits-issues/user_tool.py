"""Reproduction steps: as the guest Eve, open WEB-2, then send a priority change to the API with her token."""

def reproduce(user):
    user.login("eve@board.test", path="/issues/WEB-2")
    page = user.page
    with user.step("Look at WEB-2's properties as a guest"):
        page.get_by_test_id("issue-properties").wait_for()
        user.note("Status control disabled: " + str(page.get_by_test_id("issue-status").is_disabled()))
        user.note("Priority shown: " + page.get_by_test_id("issue-priority").input_value())
    with user.step("Send PATCH /api/issues/WEB-2 {priority: urgent} with Eve's token"):
        result = page.evaluate(
            """async () => {
                const token = JSON.parse(localStorage.getItem('board.session')).token;
                const response = await fetch('/api/issues/WEB-2', {
                    method: 'PATCH',
                    headers: {'Content-Type': 'application/json', Authorization: 'Bearer ' + token},
                    body: JSON.stringify({priority: 'urgent'}),
                });
                return {status: response.status, body: await response.text()};
            }"""
        )
        user.note(f"Answer: HTTP {result['status']} {result['body'][:300]}")
    with user.step("Reload WEB-2"):
        page.reload()
        page.get_by_test_id("issue-properties").wait_for()
        user.note("Priority shown after reload: " + page.get_by_test_id("issue-priority").input_value())
