from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from klyngekart.accounts.models import ApiToken, ClusterRole, CompanyRole, Invitation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "language")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


admin.site.register(ClusterRole)
admin.site.register(CompanyRole)
admin.site.register(Invitation)
admin.site.register(ApiToken)
