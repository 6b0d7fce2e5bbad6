from services.dashboard.bootstrap import DashboardSettings, build_app, tune_garbage_collection
from shared.serve import serve

tune_garbage_collection()
serve(build_app, DashboardSettings)
