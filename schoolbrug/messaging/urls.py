from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("read/", views.read_all, name="read-all"),
    path("spaces/", views.space_list, name="spaces"),
    path("spaces/follow/", views.follow, name="follow"),
    path("spaces/school/", views.school_space, name="school-space"),
    path("spaces/<id:space_id>/", views.space_detail, name="space"),
    path("spaces/<id:space_id>/mute/", views.space_mute, name="space-mute"),
    path("spaces/<id:space_id>/media/", views.space_media, name="space-media"),
    path("new/", views.post_new, name="post-new"),
    path("<id:post_id>/", views.post_detail, name="post"),
    path("<id:post_id>/edit/", views.post_edit, name="post-edit"),
    path("<id:post_id>/delete/", views.post_delete, name="post-delete"),
    path("<id:post_id>/seen/", views.post_seen, name="post-seen"),
    path("<id:post_id>/author-photo/", views.author_photo, name="author-photo"),
    path("<id:post_id>/files/<id:file_id>/", views.post_file, name="file"),
    path("kinds/", views.kinds, name="kinds"),
    path("kinds/<id:kind_id>/", views.kind_edit, name="kind-edit"),
    path("overview/", views.communication_overview, name="overview"),
]
