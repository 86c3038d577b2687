from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("new/", views.start, name="start"),
    path("settings/", views.school_settings, name="school-settings"),
    path("groups/<id:space_id>/new/", views.start_in_space, name="start-in-space"),
    path("groups/<id:space_id>/settings/", views.group_settings, name="group-settings"),
    path("groups/<id:space_id>/families/", views.family_conversations, name="families"),
    path("<id:conversation_id>/", views.detail, name="detail"),
    path("<id:conversation_id>/send/", views.send, name="send"),
    path("<id:conversation_id>/updates/", views.updates, name="updates"),
    path("<id:conversation_id>/files/<id:file_id>/", views.attachment, name="file"),
    path("<id:conversation_id>/leave/", views.leave, name="leave"),
    path("<id:conversation_id>/pause/", views.pause, name="pause"),
]
