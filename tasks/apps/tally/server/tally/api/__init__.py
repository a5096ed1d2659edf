from ..routing import Router
from . import chat, health, reports, search, session, workspaces

MODULES = (health, session, workspaces, reports, chat, search)


def build_router() -> Router:
    router = Router()
    for module in MODULES:
        router.include(module.routes)
    return router
