from ninja import NinjaAPI

api = NinjaAPI(title="Klyngekart API", version="1", urls_namespace="api")
