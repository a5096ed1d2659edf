"""Reproduction steps: Ben mentions Cleo and quotes a snippet with @dan on WEB-5; then Cleo's and Dan's notifications."""


def _notifications(user, email):
    return user.page.evaluate(
        """async (email) => {
            const login = await fetch('/api/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({email, password: 'password'})});
            const {token} = await login.json();
            const response = await fetch('/api/notifications', {headers: {Authorization: 'Bearer ' + token}});
            const page = await response.json();
            return page.items.map((n) => `${n.type} on ${n.issue.key} by ${n.actor.name}: ${n.detail ?? ''}`);
        }""",
        email,
    )


def reproduce(user):
    user.login("ben@board.test", path="/issues/WEB-5")
    page = user.page
    for body in ("Thanks @Cleo. Can you look at the export?", "Use `@dan` in the template"):
        with user.step(f"Post the comment: {body}"):
            page.get_by_test_id("comment-input").fill(body)
            preview = page.get_by_test_id("comment-mentions")
            user.note("Under the box: " + (preview.inner_text() if preview.count() else "(no one listed)"))
            page.get_by_test_id("comment-submit").click()
            page.wait_for_function("() => document.querySelector('[data-testid=comment-input]').value === ''")
    for email in ("cleo@board.test", "dan@board.test"):
        with user.step(f"Notifications of {email}"):
            for line in _notifications(user, email)[:5]:
                user.note(line)
