from services.notification.bootstrap import NotificationSettings, build_app
from shared.serve import serve

serve(build_app, NotificationSettings)
