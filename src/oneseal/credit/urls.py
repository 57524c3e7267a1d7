from . import urls_commitments, urls_inspections, urls_records

app_name = "credit"
urlpatterns = urls_records.urlpatterns + urls_commitments.urlpatterns + urls_inspections.urlpatterns
