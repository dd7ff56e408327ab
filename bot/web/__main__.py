from bot.config import settings
from bot.security.log_safety import install_log_safety
from bot.web.app import create_app

install_log_safety()
where = settings()
create_app().run(host=where.web_host, port=where.web_port, access_log=False)
