import os

from bot.log_safety import install_log_safety
from bot.web.app import create_app

install_log_safety()
create_app().run(host=os.environ.get("WEB_HOST", "127.0.0.1"), port=int(os.environ.get("WEB_PORT", "8000")),
                 access_log=False)
