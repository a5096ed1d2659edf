def test_health_answers(api):
    status, _ = api.get("/api/health")
    assert status == 200
