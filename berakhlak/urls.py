from django.contrib import admin
from django.urls import include, path

from berakhlak.views import accessibility, accounts, catalog, health, org, roster, second_factor

urlpatterns = [
    path("", accounts.home, name="home"),
    path("akun/masuk/", accounts.login_view, name="login"),
    path("akun/keluar/", accounts.logout_view, name="logout"),
    path("akun/kata-sandi/", accounts.password_change, name="password_change"),
    path("akun/verifikasi/", second_factor.mfa_verify, name="mfa_verify"),
    path("akun/dua-langkah/", second_factor.mfa_enrol, name="mfa_enrol"),
    path("akun/keamanan/", second_factor.account_security, name="account_security"),
    path("nilai-dasar/", catalog.values_catalog, name="values_catalog"),
    path("aksesibilitas/", accessibility.statement, name="accessibility"),
    path("unit/", org.agency_list, name="agency_list"),
    path("unit/<str:code>/", org.agency_detail, name="agency_detail"),
    path("pegawai/", org.employee_list, name="employee_list"),
    path("pegawai/<str:nip>/", org.employee_detail, name="employee_detail"),
    path(
        "pegawai/<str:nip>/atur-ulang-sandi/",
        org.employee_password_reset,
        name="employee_password_reset",
    ),
    path("pegawai/<str:nip>/akhiri-sesi/", org.employee_sessions_end, name="employee_sessions_end"),
    path("pegawai/<str:nip>/status/", org.employee_active_set, name="employee_active_set"),
    path(
        "pegawai/<str:nip>/atur-ulang-dua-langkah/",
        second_factor.employee_second_factor_reset,
        name="employee_second_factor_reset",
    ),
    path("peran/", org.role_list, name="role_list"),
    path("peran/<int:pk>/cabut/", org.role_revoke, name="role_revoke"),
    path("impor/pegawai/", roster.roster_import_start, name="roster_import_start"),
    path("impor/pegawai/templat.xlsx", roster.roster_template, name="roster_template"),
    path("impor/pegawai/ekspor.xlsx", roster.roster_export, name="roster_export"),
    path("impor/pegawai/<uuid:pk>/", roster.roster_import_detail, name="roster_import_detail"),
    path("putaran/", include("evaluations.urls")),
    path("survei/", include("surveys.urls")),
    path("forum/", include("forums.urls")),
    path("", include("reports.urls")),
    path("health/", health.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "BerAKHLAK Monitor"
admin.site.site_title = "BerAKHLAK Monitor"
