from bot.config import settings
from bot.security.log_safety import install_log_safety
from bot.services.policy_in_force import PolicySetupError, install_configured_policy
from bot.web.app import create_app

install_log_safety()
try:
    install_configured_policy()
except PolicySetupError as error:
    raise SystemExit(str(error)) from None
where = settings()
create_app().run(host=where.web_host, port=where.web_port, access_log=False)
