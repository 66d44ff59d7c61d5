from django.contrib import admin

from klyngekart.members.models import Company, Contact, Membership


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "org_number", "nace_code", "size_class", "region"]
    search_fields = ["name", "org_number"]


admin.site.register(Membership)
admin.site.register(Contact)
