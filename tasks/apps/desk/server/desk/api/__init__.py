from ..routing import Routes
from . import people, session, system, tickets

routes = Routes()
for module in (system, session, tickets, people):
    routes.include(module.routes)
