"""Reproduction steps: Alice opens #general and looks for a way to split a bill."""


def reproduce(user):
    page = user.page
    user.login("alice@tally.test", path="/rooms/1")
    with user.step("Look at #general and its message box"):
        page.get_by_test_id("composer-input").wait_for()
        page.locator("[data-testid^='message-']").first.wait_for()
        buttons = page.locator(".composer-box button").all_inner_texts()
        user.note("Buttons next to the message box: " + ", ".join(b.strip() for b in buttons))
        user.note(f"Split button: {'shown' if page.get_by_test_id('split-button').count() else 'none'}")
    with user.step("Ask the API for splits"):
        answer = page.evaluate(
            """async () => {
                const token = JSON.parse(localStorage.getItem('tally.session')).token;
                const response = await fetch('/api/rooms/1/splits', {
                    method: 'POST',
                    headers: {'Content-Type': 'application/json', Authorization: `Bearer ${token}`},
                    body: JSON.stringify({amount: 2000, currency: 'USD', description: 'Cab',
                                          participant_ids: [1, 2, 4]}),
                });
                return `${response.status} ${await response.text()}`;
            }"""
        )
        user.note(f"POST /api/rooms/1/splits answered: {answer[:200]}")
