"""Reproduction steps: look at the avatars of the split previews in #travel and #general."""


def describe(user, split_id):
    card = user.page.get_by_test_id(f"split-card-{split_id}")
    card.scroll_into_view_if_needed()
    count = card.get_by_test_id(f"split-count-{split_id}").inner_text().strip()
    avatars = card.get_by_test_id("split-avatars").locator("[data-user-id]")
    names = [a.get_attribute("title") for a in avatars.all()]
    bubble = card.get_by_test_id("split-avatars-overflow")
    extra = bubble.inner_text().strip() if bubble.count() else "no bubble"
    user.note(f"Split {split_id} ({count}): {len(names)} avatars {names}, {extra}")


def reproduce(user):
    user.login("alice@tally.test")
    with user.step("Open #travel"):
        user.page.get_by_test_id("room-link-2").click()
        user.page.get_by_test_id("split-card-3").wait_for()
    with user.step("Look at the 'Taxi to JFK' and 'Airport lounge passes' previews"):
        describe(user, 1)
        describe(user, 3)
    with user.step("Open #general"):
        user.page.get_by_test_id("room-link-1").click()
        user.page.get_by_test_id("split-card-2").wait_for()
    with user.step("Look at the 'Team lunch at Joe's' preview"):
        describe(user, 2)
    with user.step("Split $50.00 between Alice, Bob, Dan, Erin and Frank"):
        user.page.get_by_test_id("split-button").click()
        user.page.get_by_test_id("split-description").fill("Pizza")
        user.page.get_by_test_id("split-amount").fill("50.00")
        for user_id in (2, 4, 5, 6):
            user.page.get_by_test_id(f"split-participant-{user_id}").check()
        user.page.get_by_test_id("split-create").click()
        user.page.get_by_test_id("split-card-4").wait_for()
    with user.step("Look at the new split's preview"):
        describe(user, 4)
