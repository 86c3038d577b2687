from . import urls_diary, urls_results

app_name = "records"

# Absences, notes, plans, year plan and news | tests, reports and correction requests.
urlpatterns = [*urls_diary.urlpatterns, *urls_results.urlpatterns]
