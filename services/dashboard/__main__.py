from services.dashboard.bootstrap import DashboardSettings, build_app
from shared.serve import serve

serve(build_app, DashboardSettings)
