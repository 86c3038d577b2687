"""The shared template helpers produce values HTML accepts."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.template import Context, Template
from django.test import SimpleTestCase, override_settings

from schoolbrug.core.templatetags.schoolbrug import tel_href


class TelHrefTests(SimpleTestCase):
    def test_phone_numbers_as_people_write_them_become_tel_uris_without_spaces(self) -> None:
        cases = {
            "06 12345678": "tel:0612345678",
            "06-12 34 56 78": "tel:0612345678",
            "020 - 123 45 67": "tel:0201234567",
            "+31 6 12345678": "tel:+31612345678",
            "+31 (0)20 1234567": "tel:+31201234567",
            "0031 6 12345678": "tel:+31612345678",
            "": "",
            "onbekend": "",
        }
        for written, href in cases.items():
            with self.subTest(written):
                self.assertEqual(tel_href(written), href)

    def test_the_filter_in_a_template(self) -> None:
        html = Template('{% load schoolbrug %}<a href="{{ phone|tel_href }}">{{ phone }}</a>').render(
            Context({"phone": "06 12 34 56 78"})
        )
        self.assertEqual(html, '<a href="tel:0612345678">06 12 34 56 78</a>')


@override_settings(TIME_ZONE="Europe/Amsterdam")
class TimeElementTests(SimpleTestCase):
    def render(self, value: object) -> str:
        return Template('{% load schoolbrug %}{% time_element value "d-m-Y H:i:s" %}').render(Context({"value": value}))

    def test_a_moment_with_microseconds_is_given_in_whole_seconds_in_local_time(self) -> None:
        moment = dt.datetime(2026, 12, 1, 17, 9, 50, 123456, tzinfo=dt.UTC)
        self.assertEqual(self.render(moment), '<time datetime="2026-12-01T18:09:50+01:00">01-12-2026 18:09:50</time>')

    def test_a_summer_moment_and_an_empty_value(self) -> None:
        moment = dt.datetime(2026, 7, 1, 8, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"))
        self.assertIn('datetime="2026-07-01T08:00:00+02:00"', self.render(moment))
        self.assertEqual(self.render(None), "")
