"""Episodes over the network: ``swelancer-env serve`` (an OpenEnv-protocol server, one env per
WebSocket session, :mod:`.server`), what it lets in (:mod:`.gate`: no web page unless allowed,
a token when set), what goes over the wire (:mod:`.wire`) and
:class:`~swelancer_env.serving.client.RemoteEnv`, a gymnasium env that drives one of its
sessions."""
