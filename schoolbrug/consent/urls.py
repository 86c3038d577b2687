from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("questions/", views.questions, name="questions"),
    path("questions/new/", views.question_add, name="question-add"),
    path("questions/<id:question_id>/", views.question_edit, name="question-edit"),
    path("questions/<id:question_id>/move/", views.question_move, name="question-move"),
    path("questions/<id:question_id>/switch-off/", views.question_switch_off, name="question-switch-off"),
    path("questions/<id:question_id>/switch-on/", views.question_switch_on, name="question-switch-on"),
    path("group/<id:group_id>/", views.group, name="group"),
    path("pupil/<id:pupil_id>/", views.pupil, name="pupil"),
]
