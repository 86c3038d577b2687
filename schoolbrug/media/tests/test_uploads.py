"""Acceptance 6: uploads are checked by content, limited against bombs, cleaned and re-encoded."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Any, cast

import pillow_heif
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image

from schoolbrug.media.models import StoredFile
from schoolbrug.media.services import store_upload, store_uploads
from schoolbrug.media.storage import private_storage
from schoolbrug.media.testing import MINIMAL_PDF, jpeg_upload, pdf_upload
from schoolbrug.sis.models import School


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_image(stored: StoredFile) -> Image.Image:
    with private_storage.open(str(stored.file), "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
        return image


def refused(school: School, file: SimpleUploadedFile, **kwargs: Any) -> str:
    with pytest.raises(ValidationError) as error:
        store_upload(file, school=school, uploaded_by=None, **kwargs)
    assert StoredFile.objects.count() == 0
    return " ".join(error.value.messages)


def test_a_phone_photo_is_turned_upright_and_loses_its_exif_and_gps(school: School) -> None:
    raw = Image.new("RGB", (60, 40), "red")
    raw.paste((0, 0, 255), (30, 0, 60, 40))  # left half red, right half blue, as the sensor saw it
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # "rotate 90° clockwise to show"
    exif[ExifTags.Base.Make] = "Apple"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 15.0, 30.0)
    out = io.BytesIO()
    raw.save(out, format="JPEG", exif=exif, quality=95)
    assert b"Apple" in out.getvalue()

    stored = store_upload(upload("IMG_0001.JPG", out.getvalue(), "image/jpeg"), school=school, uploaded_by=None)

    assert (stored.kind, stored.content_type, stored.width, stored.height) == ("image", "image/jpeg", 40, 60)
    assert stored.original_name == "IMG_0001.jpg"
    image = stored_image(stored)
    assert image.format == "JPEG" and image.size == (40, 60)
    red, blue = cast(tuple[int, ...], image.getpixel((20, 5))), cast(tuple[int, ...], image.getpixel((20, 55)))
    assert red[0] > 200 and red[2] < 60, red  # the sensor's left is now the top
    assert blue[2] > 200 and blue[0] < 60, blue
    assert dict(image.getexif()) == {}
    assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(image.info)
    with private_storage.open(str(stored.file), "rb") as handle:
        data = handle.read()
    assert b"Exif" not in data and b"Apple" not in data


def test_an_iphone_heic_photo_is_accepted_and_stored_as_jpeg(school: School) -> None:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), "green").save(out, format="HEIF")
    assert pillow_heif.is_supported(out.getvalue())
    stored = store_upload(upload("IMG_0002.HEIC", out.getvalue(), "image/heic"), school=school, uploaded_by=None)
    assert (stored.content_type, stored.original_name, stored.width, stored.height) == (
        "image/jpeg",
        "IMG_0002.jpg",
        80,
        60,
    )
    assert stored_image(stored).format == "JPEG"


def test_a_png_with_transparency_stays_png_and_one_without_becomes_jpeg(school: School) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (30, 30), (255, 0, 0, 128)).save(out, format="PNG")
    stored = store_upload(upload("logo.png", out.getvalue()), school=school, uploaded_by=None)
    assert stored.content_type == "image/png"
    assert cast(tuple[int, ...], stored_image(stored).getpixel((1, 1)))[3] == 128

    out = io.BytesIO()
    Image.new("RGBA", (30, 30), (255, 0, 0, 255)).save(out, format="PNG")
    assert (
        store_upload(upload("plat.png", out.getvalue()), school=school, uploaded_by=None).content_type == "image/jpeg"
    )


def test_webp_and_the_first_frame_of_a_gif_are_accepted(school: School) -> None:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, format="WEBP")
    assert store_upload(upload("a.webp", out.getvalue()), school=school, uploaded_by=None).content_type == "image/jpeg"
    out = io.BytesIO()
    frames = [Image.new("P", (20, 20), index) for index in range(3)]
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    assert store_upload(upload("b.gif", out.getvalue()), school=school, uploaded_by=None).size > 0


def test_a_text_file_named_like_a_photo_is_refused_with_its_name(school: School) -> None:
    with translation.override("nl"):
        message = refused(school, upload("photo.jpg", b"Dit is geen foto.\n" * 20, "image/jpeg"))
    assert "photo.jpg" in message
    assert "JPEG" in message and "PDF" in message
    message = refused(school, upload("setup.exe", b"MZ\x90\x00" + b"\x00" * 200))
    assert "setup.exe" in message


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_before_decoding_with_a_clear_message(school: School) -> None:
    data = _png_header_only(50_000, 50_000)
    assert len(data) < 200
    with translation.override("en"):
        message = refused(school, upload("bom.png", data))
    assert "bom.png" in message and "pixels" in message


def test_a_photo_just_over_the_pixel_limit_is_refused_by_our_limit(school: School, settings: Any) -> None:
    settings.SCHOOLBRUG_MEDIA_MAX_PIXELS = 1_000_000
    with translation.override("en"):
        message = refused(school, jpeg_upload("groot.jpg", size=(1001, 1000)))
    assert "1001 × 1000" in message and "1 megapixels" in message  # noqa: RUF001


def test_a_file_over_the_size_limit_is_refused(school: School, settings: Any) -> None:
    settings.SCHOOLBRUG_MEDIA_MAX_FILE_BYTES = 2048
    with translation.override("en"):
        message = refused(school, upload("scan.pdf", MINIMAL_PDF + b"%" * 4096))
    assert "scan.pdf" in message and "larger than" in message
    assert refused(school, upload("leeg.pdf", b""))


def _docx(extra: dict[str, bytes] | None = None, main: str = "wordprocessingml.document.main+xml") -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.{main}"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def test_pdf_and_office_documents_are_accepted_by_content(school: School) -> None:
    pdf = store_upload(pdf_upload("Ouderavond groep 3.pdf"), school=school, uploaded_by=None)
    assert (pdf.kind, pdf.content_type, pdf.original_name) == ("document", "application/pdf", "Ouderavond groep 3.pdf")
    docx = store_upload(upload("brief.docx", _docx()), school=school, uploaded_by=None)
    assert docx.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    with private_storage.open(str(docx.file), "rb") as handle:
        assert handle.read() == _docx()  # documents are kept byte for byte
    # The name follows the content: a Word file called .pdf downloads as .docx.
    assert store_upload(upload("lijst.pdf", _docx()), school=school, uploaded_by=None).original_name == "lijst.docx"
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 500 + "WordDocument".encode("utf-16-le") + b"\0" * 100
    assert store_upload(upload("oud.doc", ole), school=school, uploaded_by=None).content_type == "application/msword"


def test_a_zip_that_is_no_office_file_or_has_macros_is_refused(school: School) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("virus.exe", b"MZ")
    assert "foto's.zip" in refused(school, upload("foto's.zip", out.getvalue()))
    assert refused(school, upload("macro.docm", _docx(main="wordprocessingml.document.main+xml.x")))


def test_a_zip_bomb_docx_is_refused(school: School) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override '
            'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        with archive.open("word/media/image1.bin", "w", force_zip64=True) as entry:
            block = b"\0" * (1024 * 1024)
            for _ in range(210):
                entry.write(block)
    assert len(out.getvalue()) < 2 * 1024 * 1024
    with translation.override("en"):
        message = refused(school, upload("bom.docx", out.getvalue()))
    assert "bom.docx" in message and "unpacks" in message


def test_photos_only_where_only_photos_are_allowed(school: School) -> None:
    assert "brief.pdf" in refused(school, pdf_upload(), allowed_kinds=("image",))


def test_twenty_files_are_fine_twenty_one_are_refused(school: School) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        store_uploads([jpeg_upload(f"{n}.jpg") for n in range(21)], school=school, uploaded_by=None)
    assert "at most 20" in error.value.messages[0]
    assert StoredFile.objects.count() == 0
    assert len(store_uploads([jpeg_upload(f"{n}.jpg") for n in range(20)], school=school, uploaded_by=None)) == 20


def test_several_files_are_stored_all_or_nothing_naming_each_bad_one(school: School, private_media: Any) -> None:
    files = [jpeg_upload("goed.jpg"), upload("nep.jpg", b"tekst"), pdf_upload(), upload("ook-nep.png", b"x")]
    with pytest.raises(ValidationError) as error:
        store_uploads(files, school=school, uploaded_by=None)
    messages = error.value.messages
    assert len(messages) == 2 and "nep.jpg" in messages[0] and "ook-nep.png" in messages[1]
    assert StoredFile.objects.count() == 0
    assert [path for path in private_media.rglob("*") if path.is_file()] == []


def test_the_original_name_is_sanitised_and_the_storage_name_is_random(school: School) -> None:
    stored = store_upload(jpeg_upload("../../etc/pass\x00wd\u202e.jpeg"), school=school, uploaded_by=None)
    assert stored.original_name == "passwd.jpg"
    assert "passwd" not in str(stored.file) and len(str(stored.file).rsplit("/", 1)[1]) == 36
