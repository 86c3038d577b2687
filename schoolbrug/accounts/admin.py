from django.contrib import admin

from .models import Account


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "first_name", "last_name", "is_active", "last_login"]
    list_filter = ["kind", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    exclude = ["password"]
