from ..routing import Routes

routes = Routes()


@routes.get("/api/health", public=True)
def health(request):
    return {"ok": True}


@routes.post("/api/dev/reset", public=True)
def reset(request):
    """Wipe the database and load the demo data again."""
    request.app.db.reset()
    return {"ok": True}
