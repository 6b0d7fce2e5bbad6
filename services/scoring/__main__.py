from services.scoring.bootstrap import build_app
from shared.serve import serve
from shared.settings import ServiceSettings

serve(build_app, ServiceSettings)
