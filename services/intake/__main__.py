from services.intake.bootstrap import IntakeSettings, build_app
from shared.serve import serve

serve(build_app, IntakeSettings)
