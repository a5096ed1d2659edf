"""Reproduction steps: split $20.00 between Alice, Bob and Dan in #general and open the split."""


def reproduce(user):
    user.login("alice@tally.test")
    with user.step("Open #general"):
        user.page.get_by_test_id("room-link-1").click()
        user.page.get_by_test_id("split-card-2").wait_for()
    with user.step("Click Split"):
        user.page.get_by_test_id("split-button").click()
        user.page.get_by_test_id("split-form").wait_for()
    with user.step("Split 'Cab to the office', $20.00, between Alice, Bob and Dan"):
        user.page.get_by_test_id("split-description").fill("Cab to the office")
        user.page.get_by_test_id("split-amount").fill("20.00")
        user.page.get_by_test_id("split-participant-2").check()
        user.page.get_by_test_id("split-participant-4").check()
    with user.step("Click 'Create split'"):
        user.page.get_by_test_id("split-create").click()
        user.page.get_by_test_id("split-card-4").wait_for()
    with user.step("Open the new split"):
        user.page.get_by_test_id("split-card-4").click()
        user.page.get_by_test_id("split-detail").wait_for()
    with user.step("Read the shares"):
        total = user.page.get_by_test_id("split-detail-total").inner_text().strip()
        user.note(f"Total: {total}")
        for user_id, name in ((1, "Alice Admin"), (2, "Bob Member"), (4, "Dan Diaz")):
            share = user.page.get_by_test_id(f"share-amount-{user_id}").inner_text().strip()
            user.note(f"{name}: {share}")
