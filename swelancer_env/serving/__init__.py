"""Episodes over the network: ``swelancer-env serve`` (an OpenEnv-protocol server, one env per
WebSocket session) and :class:`~swelancer_env.serving.client.RemoteEnv`, a gymnasium env that
drives one of its sessions."""
