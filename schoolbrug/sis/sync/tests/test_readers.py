"""Reading EDEXML and the guardian CSV (SIS-9): real samples, messy files and hostile input."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

from django.test import SimpleTestCase
from django.utils import translation

from schoolbrug.sis.sync import service
from schoolbrug.sis.sync.dataset import Dataset
from schoolbrug.sis.sync.edexml import read_edexml
from schoolbrug.sis.sync.generate import Export
from schoolbrug.sis.sync.guardians_csv import read_guardians_csv, template_csv
from schoolbrug.sis.sync.service import read_files

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def sample(name: str) -> tuple[str, bytes]:
    path = FIXTURES / name
    return path.name, path.read_bytes()


class EnglishTestCase(SimpleTestCase):
    # Messages are asserted in English; Dutch is checked separately.
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))


class EdexmlSampleTests(EnglishTestCase):
    def test_published_21_sample_reads_school_groups_pupils_with_eck_id_and_teachers(self) -> None:
        dataset = read_edexml(*sample("EDEXML.Voorbeeld.2.1.xml"))
        self.assertEqual(dataset.issues, [])
        assert dataset.school is not None
        self.assertEqual((dataset.school.brin, dataset.school.branch_code, dataset.school.school_year),
                         ("99ZZ", "00", "2014-2015"))  # fmt: skip
        self.assertEqual([g.key for g in dataset.groups], ["001", "sg3", "002", "003", "GRP4A", "GRP4B", "sg1", "sg2"])
        self.assertEqual(next(g for g in dataset.groups if g.key == "GRP4A").year_levels, (4,))
        wimpie = dataset.pupils[0]
        self.assertEqual((wimpie.key, wimpie.called_name, wimpie.group_key, wimpie.sex, wimpie.year_level),
                         ("00001", "Wimpie", "GRP4B", "m", 4))  # fmt: skip
        self.assertTrue(wimpie.eck_id.startswith("https://id.school/LL_"))
        hof = dataset.pupils[2]
        self.assertEqual((hof.prefix, hof.last_name, str(hof.left_on)), ("van 't", "Hof", "2014-07-18"))
        self.assertEqual([(s.key, s.group_keys) for s in dataset.staff][:2],
                         [("LK1", ("GRP4A",)), ("LK2", ("002", "sg1", "001", "sg2", "sg3"))])  # fmt: skip
        self.assertEqual(dataset.staff[1].eck_id, "https://id.school/abcde")
        self.assertEqual(dataset.pupils[2].source.line, 105)  # type: ignore[union-attr]

    def test_published_21_sample_reads_the_branches_with_their_keys(self) -> None:
        dataset = read_edexml(*sample("EDEXML.Voorbeeld.2.1.xml"))
        self.assertEqual([(b.key, b.name) for b in dataset.branches],
                         [("VH", "Vestiging Huissen"), ("VB", "Vestiging Bemmel")])  # fmt: skip
        self.assertEqual(str(dataset.branches[0].source), "EDEXML.Voorbeeld.2.1.xml:26")
        # A guardian file merged in keeps the branches.
        merged = dataset.merge(Dataset())
        self.assertEqual([b.key for b in merged.branches], ["VH", "VB"])

    def test_published_20_samples_and_the_flemish_variants_read_without_issues(self) -> None:
        for name in ("EDEXML.Voorbeeld.2.0.xml", "EDEXML.Voorbeeld.2.0-Vla.xml", "EDEXML.Voorbeeld.2.1-Vla.xml"):
            with self.subTest(name):
                dataset = read_edexml(*sample(name))
                self.assertEqual(dataset.issues, [])
                self.assertEqual(len(dataset.pupils), 3)
                self.assertEqual(len(dataset.staff), 3)

    def test_invalid_samples_give_element_level_errors_with_lines(self) -> None:
        dataset = read_edexml(*sample("EDEXML.invalid_1.xml"))
        self.assertEqual([str(i.source) for i in dataset.issues], ["EDEXML.invalid_1.xml:3"])
        self.assertEqual(dataset.issues[0].source.element, "/EDEX/school_incorrect_element")
        self.assertIn("school_incorrect_element", dataset.issues[0].message)
        self.assertEqual(dataset.pupils, [])

        dataset = read_edexml(*sample("EDEXML.invalid_toevoegingen.xml"))
        self.assertEqual([i.source.line for i in dataset.issues], [67, 90, 115])
        self.assertEqual(dataset.issues[0].source.element, "/EDEX/leerlingen/leerling[1]/toevoegingen")

    def test_a_21_file_with_eck_id_is_refused_by_the_20_schema(self) -> None:
        _name, content = sample("EDEXML.Voorbeeld.2.1.xml")
        dataset = read_edexml("x.xml", content.replace(b"<xsdversie>2.1<", b"<xsdversie>2.0<"))
        self.assertTrue(any("eckid" in i.message for i in dataset.issues))

    def test_school_years_after_the_published_enumeration_are_accepted_with_a_note(self) -> None:
        dataset = read_edexml("EDEX.XML", Export(school_year="2026-2027").edexml())
        self.assertEqual(dataset.issues, [])
        self.assertTrue(any("2024-2025" in note for note in dataset.notes))
        dataset = read_edexml("EDEX.XML", Export(school_year="2026-2028").edexml())
        self.assertEqual([str(i.source) for i in dataset.issues], ["EDEX.XML:3"])
        self.assertIn("2026-2028", dataset.issues[0].message)

    def test_malformed_xml_names_the_line(self) -> None:
        dataset = read_edexml("EDEX.XML", b'<?xml version="1.0"?>\n<EDEX>\n<school>\n</EDEX>')
        self.assertEqual(dataset.issues[0].source.line, 4)


class HostileXmlTests(EnglishTestCase):
    def test_external_entity_is_refused_and_never_read(self) -> None:
        xxe = (b'<?xml version="1.0"?>\n<!DOCTYPE EDEX [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
               b"<EDEX><school><schooljaar>&secret;</schooljaar></school></EDEX>")  # fmt: skip
        dataset = read_files([("EDEX.XML", xxe)])
        self.assertEqual(len(dataset.issues), 1)
        self.assertIn("DOCTYPE", dataset.issues[0].message)
        self.assertNotIn("root:", str(dataset))

    def test_billion_laughs_is_refused_quickly(self) -> None:
        entities = "".join(
            f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' if i else '<!ENTITY l0 "ha">' for i in range(10)
        )
        bomb = f'<?xml version="1.0"?><!DOCTYPE EDEX [{entities}]><EDEX>&l9;</EDEX>'.encode()
        started = time.monotonic()
        dataset = read_files([("EDEX.XML", bomb)])
        self.assertLess(time.monotonic() - started, 2)
        self.assertIn("DOCTYPE", dataset.issues[0].message)


class UploadLimitTests(EnglishTestCase):
    def test_a_file_that_is_neither_xml_nor_a_known_csv_is_refused(self) -> None:
        dataset = read_files([("foto.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100)])
        self.assertEqual([str(i.source) for i in dataset.issues], ["foto.jpg:1"])

    def test_a_huge_file_is_refused_by_size(self) -> None:
        dataset = read_files([("EDEX.XML", b"<" + b" " * service.MAX_FILE_BYTES)])
        self.assertIn("too large", dataset.issues[0].message)
        self.assertEqual(dataset.pupils, [])

    def test_a_zip_bomb_is_refused_before_unpacking(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("users.csv", b"0" * (200 * 1024 * 1024))
        self.assertLess(len(buffer.getvalue()), 1024 * 1024)
        dataset = read_files([("export.zip", buffer.getvalue())])
        self.assertEqual(len(dataset.issues), 1)
        self.assertIn("too much data", dataset.issues[0].message)

    def test_a_zip_with_too_many_members_is_refused(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for i in range(service.MAX_ZIP_MEMBERS + 1):
                archive.writestr(f"f{i}.csv", b"a")
        dataset = read_files([("export.zip", buffer.getvalue())])
        self.assertIn("holds", dataset.issues[0].message)

    def test_a_zip_with_an_edexml_and_a_guardian_file_is_read_like_the_two_files(self) -> None:
        export = Export()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("export/EDEX.XML", export.edexml())
            archive.writestr("export/verzorgers.csv", export.guardians_csv())
        dataset = read_files([("export.zip", buffer.getvalue())])
        self.assertEqual(dataset.issues, [])
        self.assertEqual((len(dataset.pupils), len(dataset.guardians)), (30, 48))
        self.assertEqual(dataset.guardians[0].source.file, "verzorgers.csv")  # type: ignore[union-attr]


class GuardianCsvTests(EnglishTestCase):
    def test_the_template_reads_without_issues_with_bom_and_semicolons(self) -> None:
        content = template_csv()
        self.assertTrue(content.startswith(b"\xef\xbb\xbf"))
        dataset = read_guardians_csv("template.csv", content)
        self.assertEqual(dataset.issues, [])
        self.assertEqual([(g.key, g.relation, g.portal_access, g.app_invitation) for g in dataset.guardians],
                         [("V-1001", "mother", True, True), ("V-1002", "father", True, False)])  # fmt: skip

    def test_commas_dutch_headers_and_english_relation_words(self) -> None:
        content = b"Leerlingnummer,Verzorgernummer,Voornaam,Achternaam,Relatie,E-mail\n1,A,Ria,Bos,Grandmother,R@x.nl\n"
        dataset = read_guardians_csv("v.csv", content)
        self.assertEqual(dataset.issues, [])
        guardian = dataset.guardians[0]
        self.assertEqual((guardian.pupil_keys, guardian.relation, guardian.email, guardian.portal_access),
                         (("1",), "grandparent", "r@x.nl", None))  # fmt: skip

    def test_a_guardian_of_two_children_on_two_rows_is_one_guardian(self) -> None:
        content = b"pupil_key;guardian_key;last_name;relation\n1;A;Bos;moeder\n2;A;Bos;moeder\n"
        dataset = read_guardians_csv("v.csv", content)
        self.assertEqual([(g.key, g.pupil_keys) for g in dataset.guardians], [("A", ("1", "2"))])

    def test_messy_rows_give_line_level_issues(self) -> None:
        content = (
            b"pupil_key;guardian_key;last_name;relation;email;phone_mobile;postcode;portal_access\n"
            b"1;A;Bos;oom;bos@;12;1234;ja\n"  # line 2: four problems
            b"2;B;Smit;vader;;;;misschien\n"  # line 3
            b"3;C;Kok;moeder;;;;\n"
            b"3;C;Kok;moeder;;;;\n"  # line 5: the same pupil and guardian again
            b"4;C;Kock;moeder;;;;\n"  # line 6: guardian C with another name
            b";D;Jak;;;;;\n"  # line 7: no pupil key
        )
        issues = [str(i) for i in read_guardians_csv("v.csv", content).issues]
        self.assertEqual([i.split(":")[1] for i in issues], ["2", "2", "2", "2", "3", "5", "6", "7"])
        self.assertIn("“oom” is unknown", issues[0])
        self.assertIn("e-mail", issues[1])
        self.assertIn("telephone", issues[2])
        self.assertIn("postcode", issues[3])
        self.assertIn("misschien", issues[4])
        self.assertIn("line 4", issues[5])
        self.assertIn("last_name", issues[6])

    def test_missing_columns_are_named(self) -> None:
        dataset = read_guardians_csv("v.csv", b"pupil_key;achternaam\n1;Bos\n")
        self.assertEqual([str(i.source) for i in dataset.issues], ["v.csv:1"])
        self.assertIn("guardian_key", dataset.issues[0].message)

    def test_wrong_encoding_names_the_line(self) -> None:
        content = "pupil_key;guardian_key;last_name\n1;A;Bos\n2;B;Müller\n".encode("cp1252")
        dataset = read_guardians_csv("v.csv", content)
        self.assertEqual([str(i.source) for i in dataset.issues], ["v.csv:3"])
        self.assertIn("UTF-8", dataset.issues[0].message)
        self.assertEqual(dataset.guardians, [])

    def test_dutch_translation_of_an_issue(self) -> None:
        with translation.override("nl"):
            dataset = read_guardians_csv("v.csv", b"pupil_key;guardian_key;last_name;relation\n1;A;Bos;oom\n")
        self.assertIn("onbekend", dataset.issues[0].message)
