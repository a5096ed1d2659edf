"""The agent's pages reach the app and nothing else, in the user tool and in grading.

The agent changes the app so that every page it serves tries every way out to a listener on the
host's ``127.0.0.1`` (a TCP port, and a UDP port for WebRTC's STUN): a fetch, an image, a page
WebSocket, a Web Worker's and a SharedWorker's WebSocket and fetch, a service worker, 302 and
307 redirects from the app's own origin (by fetch and in a frame), and WebRTC through STUN and
TURN. The page logs what each try did to the console, which the user tool's report shows, so
the test knows that the tries ran; the listener must see no connection and no datagram, during
the user tool call and during grading. (Before the browser ran in a network namespace of its
own, the workers' WebSockets and the redirects reached such a listener, with the answer
readable by the page: that is how a page drove ``swelancer-env serve`` on the same host.)
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from swelancer_env.env import SWELancerEnv

pytestmark = pytest.mark.browser

BACKENDS = ["local", pytest.param("docker", marks=pytest.mark.docker)]
TASK = "desk-priority-sort"  # frontend/index.html and server/ are acceptable paths
ROUTES = (
    "fetch",
    "image",
    "websocket",
    "worker-websocket",
    "worker-fetch",
    "shared-worker-websocket",
    "redirect-302",
    "redirect-307",
    "service-worker",
    "webrtc",
)

ATTACK_JS = """
(() => {
  const H = "http://127.0.0.1:@@TCP@@", W = "ws://127.0.0.1:@@TCP@@";
  const say = (what, how) => console.error("zz-attack " + what + ": " + how);
  const tryFetch = (what, url) =>
    fetch(url, {mode: "no-cors"}).then(() => say(what, "answered"), () => say(what, "failed"));
  tryFetch("fetch", H + "/fetch");
  tryFetch("redirect-302", "/zz-redirect-302");
  tryFetch("redirect-307", "/zz-redirect-307");
  const img = new Image();
  img.onload = () => say("image", "answered");
  img.onerror = () => say("image", "failed");
  img.src = H + "/image";
  const socketTo = (what, url) => {
    try {
      const s = new WebSocket(url);
      s.onopen = () => say(what, "answered");
      s.onerror = () => say(what, "failed");
      s.onclose = () => say(what, "closed");
    } catch (e) { say(what, "failed"); }
  };
  socketTo("websocket", W + "/page");
  const inWorker = `
    const s = new WebSocket("${W}/worker");
    s.onopen = () => postMessage("websocket answered");
    s.onerror = () => postMessage("websocket failed");
    fetch("${H}/worker-fetch", {mode: "no-cors"})
      .then(() => postMessage("fetch answered"), () => postMessage("fetch failed"));`;
  try {
    const w = new Worker(URL.createObjectURL(new Blob([inWorker])));
    w.onmessage = e => say("worker-" + e.data.split(" ")[0], e.data.split(" ")[1]);
  } catch (e) { say("worker-websocket", "failed"); say("worker-fetch", "failed"); }
  const inShared = `onconnect = e => {
    const p = e.ports[0];
    const s = new WebSocket("${W}/shared");
    s.onopen = () => p.postMessage("answered");
    s.onerror = () => p.postMessage("failed");
  };`;
  try {
    const sw = new SharedWorker(URL.createObjectURL(new Blob([inShared])));
    sw.port.onmessage = e => say("shared-worker-websocket", e.data);
  } catch (e) { say("shared-worker-websocket", "failed"); }
  const frame = document.createElement("iframe");
  frame.src = "/zz-redirect-307";
  document.documentElement.appendChild(frame);
  if (navigator.serviceWorker) {
    navigator.serviceWorker.register("/zz-sw.js")
      .then(() => say("service-worker", "registered"), () => say("service-worker", "refused"));
  } else { say("service-worker", "refused"); }
  try {
    const pc = new RTCPeerConnection({iceServers: [
      {urls: "stun:127.0.0.1:@@UDP@@"},
      {urls: "turn:127.0.0.1:@@TCP@@?transport=tcp", username: "u", credential: "c"},
    ]});
    pc.createDataChannel("x");
    pc.onicegatheringstatechange = () => {
      if (pc.iceGatheringState === "complete") say("webrtc", "gathered");
    };
    pc.createOffer().then(o => pc.setLocalDescription(o)).catch(() => say("webrtc", "failed"));
    setTimeout(() => say("webrtc", "tried"), 1500);
  } catch (e) { say("webrtc", "failed"); }
})();
"""

# the app's own origin answers these: redirects to the listener, and a service worker's script
# that fetches it
SERVER_PATCH = """    def handle(self, request: Request) -> Response:
        if request.path.startswith("/zz-redirect-"):
            where = "http://127.0.0.1:@@TCP@@/redirected"
            return Response(int(request.path.rsplit("-", 1)[1]), b"", {"Location": where})
        if request.path == "/zz-sw.js":
            body = b"fetch('http://127.0.0.1:@@TCP@@/service-worker', {mode: 'no-cors'});"
            return Response(200, body, {"Content-Type": "text/javascript"})
"""


class Listener:
    """A TCP and a UDP socket on the host's 127.0.0.1 that record whatever reaches them."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.tcp = socket.create_server(("127.0.0.1", 0))
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.tcp_port = self.tcp.getsockname()[1]
        self.udp_port = self.udp.getsockname()[1]
        for target in (self._accept, self._receive):
            threading.Thread(target=target, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, peer = self.tcp.accept()
            except OSError:
                return
            conn.settimeout(1)
            try:
                first = conn.recv(200)
            except OSError:
                first = b""
            self.hits.append(f"tcp from {peer}: {first[:80]!r}")
            conn.close()

    def _receive(self) -> None:
        while True:
            try:
                data, peer = self.udp.recvfrom(2048)
            except OSError:
                return
            self.hits.append(f"udp from {peer}: {len(data)} bytes")

    def fill(self, text: str) -> str:
        return text.replace("@@TCP@@", str(self.tcp_port)).replace("@@UDP@@", str(self.udp_port))

    def close(self) -> None:
        self.tcp.close()
        self.udp.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


def _step(env: SWELancerEnv, action: dict) -> dict:
    obs, _reward, _terminated, _truncated, info = env.step(action)
    return {"output": str(obs["output"]), "exit_code": int(obs["exit_code"]), "info": info}


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_agents_page_reaches_only_the_app(
    backend: str, listener: Listener, request: pytest.FixtureRequest
) -> None:
    options = {"image": request.getfixturevalue("engine")} if backend == "docker" else {}
    env = SWELancerEnv(backend=backend, sandbox_options=options)
    try:
        env.reset(options={"task_id": TASK})
        edits = [
            {
                "type": "str_replace",
                "path": "frontend/index.html",
                "old_str": "  </head>",
                "new_str": f"    <script>{listener.fill(ATTACK_JS)}</script>\n  </head>",
            },
            {
                "type": "str_replace",
                "path": "server/desk/app.py",
                "old_str": "    def handle(self, request: Request) -> Response:\n",
                "new_str": listener.fill(SERVER_PATCH),
            },
        ]
        for edit in edits:
            done = _step(env, edit)
            assert done["exit_code"] == 0, done["output"]

        _step(env, {"type": "user_tool"})
        console = _step(env, {"type": "shell", "command": "cat .swelancer/user_tool/1/console.log"})
        tried = {r for r in ROUTES if f"zz-attack {r}:" in console["output"]}
        # the page's tries ran (else the test proves nothing) and none got an answer
        assert {"fetch", "websocket", "worker-websocket", "redirect-302"} <= tried, console
        assert "answered" not in console["output"], console["output"]
        assert listener.hits == [], f"the user tool's page reached the host: {listener.hits}"

        obs, reward, terminated, _truncated, info = env.step({"type": "submit"})
        grade = info["grade"]
        assert terminated and reward == 0 and not grade["passed"]
        assert grade["infra_error"] is None, grade["infra_error"]
        assert listener.hits == [], f"the grader's page reached the host: {listener.hits}"
    finally:
        env.close()
