from services.grant.bootstrap import build_app
from shared.serve import serve

serve(build_app)
