"""nginx in front: the public site (the web server only), and balancers for the Rasa and action replicas.

Rasa's REST webhook is not on the public site: only the web server calls it, through the loopback balancer and with
the webhook secret. Only the WeChat and 企业微信 webhooks (/webhooks/wechat/, /webhooks/wecom/, signed by WeChat's
servers and inert without their tokens) go from the public site to the Rasa replicas; /webhooks/rest/ stays with the
web server, which does not serve it. nginx replaces any X-Forwarded-For a client sends with the address it sees,
and the web server, told there is one proxy (SANIC_PROXIES_COUNT=1), takes the client's address from it.
"""

from __future__ import annotations

import os
from pathlib import Path

from bot.ops.cluster.layout import LOOPBACK, Layout

TEMPLATE = """\
{user}worker_processes 1;
pid {home}/nginx.pid;
error_log {home}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {home}/body; proxy_temp_path {home}/proxy; fastcgi_temp_path {home}/fastcgi;
  uwsgi_temp_path {home}/uwsgi; scgi_temp_path {home}/scgi;
  client_max_body_size 64k;
  # A replica that fails three times in 5 s is skipped for 5 s; its turns go to the others. No keep-alive
  # connections upstream: a turn sent on a kept connection to a replica that has just died could not be passed
  # to another (it is a POST, already sent); a new connection is refused at once and goes to the survivor.
  upstream rasa {{ {rasa} }}
  upstream actions {{ {actions} }}
  upstream web {{ server {loopback}:{web}; }}
  # A turn whose replica dies before answering (reset connection) is sent to another: a repeated turn is
  # harmless here (drafts are one per person and kind, answers are reads), a lost one is not.
  proxy_next_upstream error timeout non_idempotent;
  proxy_connect_timeout 2s;
  proxy_read_timeout 60s;
  server {{
    listen {loopback}:{public};
    location / {{
      proxy_pass http://web; proxy_set_header Host $http_host; proxy_set_header X-Forwarded-For $remote_addr;
    }}
    location /webhooks/wechat/ {{ proxy_pass http://rasa; proxy_set_header X-Forwarded-For $remote_addr; }}
    location /webhooks/wecom/ {{ proxy_pass http://rasa; proxy_set_header X-Forwarded-For $remote_addr; }}
  }}
  server {{ listen {loopback}:{rasa_balancer}; location / {{ proxy_pass http://rasa; }} }}
  server {{ listen {loopback}:{action_balancer}; location / {{ proxy_pass http://actions; }} }}
}}
"""


def _servers(ports: tuple[int, ...]) -> str:
    return " ".join(f"server {LOOPBACK}:{port} max_fails=3 fail_timeout=5s;" for port in ports)


def write_nginx_config(layout: Layout) -> Path:
    home = layout.home / "nginx"
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    config = home / "nginx.conf"
    config.write_text(TEMPLATE.format(
        user="user root;\n" if os.geteuid() == 0 else "", home=home, loopback=LOOPBACK, public=layout.public,
        rasa=_servers(layout.rasa), actions=_servers(layout.actions), web=layout.web,
        rasa_balancer=layout.rasa_balancer, action_balancer=layout.action_balancer), encoding="utf-8")
    return config
