from services.grant.bootstrap import GrantSettings, build_app
from shared.serve import serve

serve(build_app, GrantSettings)
