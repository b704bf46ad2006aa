"""What the cleaner removes from each accepted kind, and how the kind is told from the
content, on real files made here (the end-to-end tests cover JPEG, PDF, DOCX and MP3)."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from shared.adapters.metadata_cleaner import LibraryCleaner
from shared.domain import evidence as ev
from shared.domain.evidence import FileRefused, Upload
from shared.domain.file_types import identify
from tests.support import evidence_files as files

CLEAN = LibraryCleaner()


def kind_of(name: str, data: bytes, declared: str = "") -> str:
    return identify(Upload(name, declared, data))


def refusal(name: str, data: bytes, declared: str = "") -> str:
    with pytest.raises(FileRefused) as refused:
        identify(Upload(name, declared, data))
    return refused.value.reason


def test_a_heic_photo_loses_its_exif() -> None:
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    exif = Image.Exif()
    exif[0x010F] = "HeicCam"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(out, format="HEIF", exif=exif.tobytes())
    data = out.getvalue()
    assert kind_of("p.heic", data, "image/heic") == ev.HEIC
    cleaned = CLEAN.clean(ev.HEIC, data)
    assert cleaned.removed == (ev.LOCATION, ev.CAMERA)
    assert b"HeicCam" not in cleaned.data
    assert not Image.open(io.BytesIO(cleaned.data)).getexif()


def test_a_png_loses_its_text_chunks() -> None:
    data = files.png_image()
    assert files.AUTHOR.encode() in data
    cleaned = CLEAN.clean(kind_of("a.png", data), data)
    assert cleaned.removed == (ev.IMAGE_DETAILS,) and files.AUTHOR.encode() not in cleaned.data


def _zip(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_an_xlsx_loses_its_properties_comments_and_file_path() -> None:
    x = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    data = _zip({
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"><Override PartName="/xl/comments1.xml" '
                               'ContentType="c"/><Override PartName="/docProps/core.xml" '
                               'ContentType="p"/></Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       'relationships"><Relationship Id="rId1" Type="x/officeDocument" '
                       'Target="xl/workbook.xml"/><Relationship Id="rId2" Type="x/metadata/'
                       'core-properties" Target="docProps/core.xml"/></Relationships>',
        "docProps/core.xml": f"<cp><dc:creator xmlns:dc='d'>{files.AUTHOR}</dc:creator></cp>",
        "xl/workbook.xml": f'<workbook xmlns="{x}" xmlns:x15ac="http://schemas.microsoft.com/'
                           f'office/spreadsheetml/2010/11/ac"><x15ac:absPath url="C:\\Users\\'
                           f'dwhistler\\"/><sheets/></workbook>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{x}" xmlns:r="{rel}"><sheetData/>'
                                    f'<legacyDrawing r:id="rId1"/></worksheet>',
        "xl/worksheets/_rels/sheet1.xml.rels":
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="x/comments" '
            'Target="../comments1.xml"/></Relationships>',
        "xl/comments1.xml": f"<comments><authors><author>{files.AUTHOR}</author></authors>"
                            "</comments>",
    })
    assert kind_of("book.xlsx", data) == ev.XLSX
    cleaned = CLEAN.clean(ev.XLSX, data)
    assert cleaned.removed == (ev.AUTHOR, ev.DOCUMENT_PROPERTIES, ev.COMMENTS)
    archive = zipfile.ZipFile(io.BytesIO(cleaned.data))
    assert sorted(archive.namelist()) == ["[Content_Types].xml", "_rels/.rels",
                                          "xl/workbook.xml", "xl/worksheets/_rels/sheet1.xml.rels",
                                          "xl/worksheets/sheet1.xml"]
    everything = b"".join(archive.read(n) for n in archive.namelist())
    assert files.AUTHOR.encode() not in everything and b"dwhistler" not in everything
    assert b"legacyDrawing" not in archive.read("xl/worksheets/sheet1.xml")
    assert b"comments1" not in everything


def test_an_odt_loses_its_meta_annotations_and_tracked_changes() -> None:
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", (
            f'<office:document-content xmlns:office="{office}" xmlns:text="{text}">'
            f"<office:body><office:text><text:tracked-changes><text:changed-region>"
            f"{files.DELETED_TEXT}</text:changed-region></text:tracked-changes><text:p>Seen"
            f"<office:annotation><text:p>{files.COMMENT_TEXT}</text:p></office:annotation>"
            f" there</text:p></office:text></office:body></office:document-content>"))
        archive.writestr("meta.xml", f"<office:document-meta xmlns:office='{office}'>"
                                     f"<meta:initial-creator xmlns:meta='m'>{files.AUTHOR}"
                                     "</meta:initial-creator></office:document-meta>")
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    data = out.getvalue()
    assert kind_of("note.odt", data) == ev.ODT
    cleaned = CLEAN.clean(ev.ODT, data)
    assert set(cleaned.removed) >= {ev.DOCUMENT_PROPERTIES, ev.COMMENTS, ev.TRACKED_CHANGES}
    archive = zipfile.ZipFile(io.BytesIO(cleaned.data))
    assert archive.namelist()[0] == "mimetype"
    assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    everything = b"".join(archive.read(n) for n in archive.namelist())
    for secret in (files.AUTHOR, files.DELETED_TEXT, files.COMMENT_TEXT):
        assert secret.encode() not in everything
    assert b"Seen there" in archive.read("content.xml")


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def m4a_with_tags() -> bytes:
    mvhd = _box(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, 1000, 5000) + bytes(80))
    ilst = _box(b"ilst", _box(b"\xa9nam", _box(b"data", bytes(8) + b"Meeting")) +
                _box(b"\xa9xyz", _box(b"data", bytes(8) + b"+51.5-000.1/")))
    meta = _box(b"meta", bytes(4) + _box(b"hdlr", bytes(8) + b"mdirappl" + bytes(9)) + ilst)
    moov = _box(b"moov", mvhd + _box(b"udta", meta))
    return _box(b"ftyp", b"M4A \x00\x00\x00\x00M4A isom") + moov + _box(b"mdat", bytes(64))


def test_an_m4a_loses_its_tags_and_location_without_moving_anything() -> None:
    data = m4a_with_tags()
    assert kind_of("memo.m4a", data, "audio/mp4") == ev.M4A
    cleaned = CLEAN.clean(ev.M4A, data)
    assert cleaned.removed == (ev.LOCATION, ev.TAGS)
    assert len(cleaned.data) == len(data)  # blanked in place: chunk offsets still hold
    assert b"Meeting" not in cleaned.data and b"+51.5" not in cleaned.data
    assert cleaned.data.endswith(_box(b"mdat", bytes(64)))


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ev.NOT_ALLOWED),
    ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(50) +
     "EncryptedPackage".encode("utf-16-le"), ev.ENCRYPTED),
    ("a.zip", _zip({"a.txt": "x"}), ev.NOT_ALLOWED),
    ("a.txt", b"hello\x00world", ev.NOT_ALLOWED),
    ("a.png", files.png_image() + b"PK\x03\x04 hidden PK\x05\x06", ev.POLYGLOT),
    ("a.jpg", files.jpeg_with_gps() + b"trailing", ev.POLYGLOT),
    ("a.jpg", b"\xff\xd8\xff" + b"%PDF-1.7" + bytes(40) + b"\xff\xd9", ev.POLYGLOT),
    ("a.docx", b"junk" + _zip({"[Content_Types].xml": "<T/>", "word/document.xml": "<d/>"}),
     ev.NOT_ALLOWED),
    ("a.docx", _zip({"[Content_Types].xml": "<T/>", "../evil": "x",
                     "word/document.xml": "<d/>"}), ev.MALFORMED),
    ("a.mp4", b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", ev.NOT_ALLOWED),
])
def test_refused_by_content(name: str, data: bytes, reason: str) -> None:
    assert refusal(name, data) == reason


def test_text_and_mp3_are_told_by_content_whatever_their_names_say() -> None:
    assert kind_of("notes.txt", "Déclaration\n\tligne 2\r\n".encode()) == ev.TEXT
    assert refusal("notes.mp3", b"just words\n") == ev.MISMATCH
    assert kind_of("song.mp3", files.mp3_with_tags()) == ev.MP3
    bare = files.mp3_with_tags()[files.mp3_with_tags().index(b"\xff\xfb"):]
    assert kind_of("bare.mp3", bare) == ev.MP3


def test_a_docx_that_is_not_well_formed_xml_is_refused_when_cleaned() -> None:
    data = _zip({"[Content_Types].xml": "<T/>", "word/document.xml": "<w:document",
                 "_rels/.rels": "<Relationships/>"})
    with pytest.raises(FileRefused) as refused:
        CLEAN.clean(kind_of("a.docx", data), data)
    assert refused.value.reason == ev.MALFORMED
