"""Broken and hostile PDFs and ZIP archives, generated in memory (nothing binary is committed):
what a careless export, a cut-off upload or someone attacking the checkers would send.

Every builder is cheap (the compression bombs are a few KB once built, and cached) and
deterministic, so a failure names the file and can be rebuilt exactly.
"""

from __future__ import annotations

import functools
import io
import random
import stat
import struct
import zipfile
import zlib

from tests.submissions import corpus

# --- PDFs written object by object ---------------------------------------------------------

PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"
CONTENT = b"<< /Length 35 >>\nstream\nBT /F1 12 Tf 72 720 Td (Hi) Tj ET\nendstream"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def build_pdf(
    objects: list[bytes],
    *,
    trailer: bytes = b"/Root 1 0 R",
    xref_shift: int = 0,
    startxref: int | None = None,
    header: bytes = b"%PDF-1.7\n",
) -> bytes:
    """Objects numbered from 1, a classic cross-reference table (every offset moved by
    ``xref_shift``), and a trailer (``startxref`` overrides where it says the table is)."""
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % max(offset + xref_shift, 0) for offset in offsets)
    out += b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref if startxref is None else startxref,
    )
    return bytes(out)


def simple_pdf(catalog: bytes = CATALOG, pages: bytes = PAGES, page: bytes = PAGE) -> bytes:
    return build_pdf([catalog, pages, page, CONTENT])


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


@functools.cache
def zeros_deflated_twice(megabytes: int) -> bytes:
    """``megabytes`` MB of zeros under two FlateDecode filters: a few hundred bytes."""
    compressor = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    once = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    return zlib.compress(once, 9)


def flate_bomb_pdf(*, copies: int = 24, megabytes: int = 70) -> bytes:
    """A page whose contents are the same bomb ``copies`` times: each stream stays under
    pypdf's own 75 MB limit, all of them together are gigabytes of zeros."""
    bomb = stream(zeros_deflated_twice(megabytes), b"/Filter [/FlateDecode /FlateDecode]")
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [%s] >>" % b" ".join([b"4 0 R"] * copies)
    return build_pdf([CATALOG, PAGES, page, bomb])


def metadata_bomb_pdf(megabytes: int = 70) -> bytes:
    """The XMP metadata (read by the anonymity check) is a bomb."""
    bomb = stream(zeros_deflated_twice(megabytes), b"/Type /Metadata /Subtype /XML /Filter [/FlateDecode /FlateDecode]")
    return build_pdf([b"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>", PAGES, PAGE, CONTENT, bomb])


def object_stream_loop_pdf() -> bytes:
    """A cross-reference stream saying objects 1-3 live in object stream 4, which says it
    extends itself; no classic table to fall back on."""
    inner = b"1 0 2 40 3 80 "
    body = inner + CATALOG.ljust(40) + PAGES.ljust(40) + PAGE
    objstm = stream(body, b"/Type /ObjStm /N 3 /First %d /Extends 4 0 R" % len(inner))
    out = bytearray(b"%PDF-1.7\n")
    objstm_at = len(out)
    out += b"4 0 obj\n" + objstm + b"\nendobj\n"
    xref_at = len(out)
    rows = b"".join(
        [
            struct.pack(">BIH", 0, 0, 65535),
            struct.pack(">BIH", 2, 4, 0),
            struct.pack(">BIH", 2, 4, 1),
            struct.pack(">BIH", 2, 4, 2),
            struct.pack(">BIH", 1, objstm_at, 0),
            struct.pack(">BIH", 1, xref_at, 0),
        ]
    )
    xref_stream = stream(rows, b"/Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Prev %d" % xref_at)
    out += b"5 0 obj\n" + xref_stream + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def _with_actions(catalog_extra: bytes) -> bytes:
    return simple_pdf(catalog=b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog_extra)


PDF_CORPUS: dict[str, bytes] = {
    "zero-bytes": b"",
    "only-the-header": b"%PDF-1.7\n",
    "header-and-eof": b"%PDF-1.7\n%%EOF\n",
    "random-bytes": random.Random(1).randbytes(4096),
    "random-body": b"%PDF-1.4\n" + random.Random(2).randbytes(4096) + b"\n%%EOF\n",
    "nul-bytes": bytes(4096),
    "truncated-half": corpus.truncated(simple_pdf()),
    "truncated-before-eof": simple_pdf()[:-8],
    "truncated-with-eof": simple_pdf()[:200] + b"\n%%EOF\n",
    "xref-offsets-wrong": build_pdf([CATALOG, PAGES, PAGE, CONTENT], xref_shift=7),
    "startxref-past-the-end": build_pdf([CATALOG, PAGES, PAGE, CONTENT], startxref=10**9),
    "startxref-negative": build_pdf([CATALOG, PAGES, PAGE, CONTENT], startxref=-5),
    "no-root": build_pdf([CATALOG, PAGES, PAGE, CONTENT], trailer=b""),
    "root-is-not-a-dictionary": build_pdf([b"42", PAGES, PAGE, CONTENT]),
    "huge-count": simple_pdf(pages=b"<< /Type /Pages /Kids [3 0 R] /Count 999999999999 >>"),
    "negative-count": simple_pdf(pages=b"<< /Type /Pages /Kids [3 0 R] /Count -1 >>"),
    "pages-tree-loops-on-itself": simple_pdf(pages=b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"),
    "page-is-its-own-kid": simple_pdf(page=b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R] /Count 1 >>"),
    "kids-point-back-up": simple_pdf(pages=b"<< /Type /Pages /Kids [1 0 R 2 0 R 3 0 R] /Count 3 >>"),
    "kids-missing-object": simple_pdf(pages=b"<< /Type /Pages /Kids [99 0 R] /Count 1 >>"),
    "mediabox-garbage": simple_pdf(page=b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 (a) /b] /Contents 4 0 R >>"),
    "mediabox-huge": simple_pdf(
        page=b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s]" % (b"9" * 400, b"9" * 400) + b" /Contents 4 0 R >>"
    ),
    "mediabox-referencing-itself": simple_pdf(page=b"<< /Type /Page /Parent 2 0 R /MediaBox 3 0 R /Contents 4 0 R >>"),
    "resources-loop": simple_pdf(
        page=b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources 3 0 R /Contents 4 0 R >>"
    ),
    "font-loop": build_pdf(
        [
            CATALOG,
            PAGES,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font 5 0 R >> /Contents 4 0 R >>",
            CONTENT,
            b"<< /F1 5 0 R /F2 << /Type /Font /Subtype /Type0 /DescendantFonts 5 0 R >> >>",
        ]
    ),
    "xobject-recursion": build_pdf(
        [
            CATALOG,
            PAGES,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources 5 0 R /Contents 4 0 R >>",
            CONTENT,
            b"<< /XObject << /X 6 0 R >> >>",
            stream(b"/X Do", b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources 5 0 R"),
        ]
    ),
    "content-length-lies": build_pdf([CATALOG, PAGES, PAGE, b"<< /Length 99999999 >>\nstream\nBT ET\nendstream"]),
    "object-stream-loop": object_stream_loop_pdf(),
    "flate-bomb-contents": flate_bomb_pdf(),
    "flate-bomb-metadata": metadata_bomb_pdf(),
    "bad-flate-data": build_pdf([CATALOG, PAGES, PAGE, stream(b"\x78\x9cnot deflate at all", b"/Filter /FlateDecode")]),
    "unknown-filter": build_pdf([CATALOG, PAGES, PAGE, stream(b"abc", b"/Filter /NoSuchDecode")]),
    "encrypted-rc4-40": corpus.encrypted_pdf("RC4-40"),
    "encrypted-aes-256": corpus.encrypted_pdf("AES-256"),
    "encrypted-with-password": corpus.encrypted_pdf("AES-128", user_password="secret"),
    "encrypt-dictionary-garbage": build_pdf(
        [CATALOG, PAGES, PAGE, CONTENT, b"<< /Filter /Nope /V 99 >>"],
        trailer=b"/Root 1 0 R /Encrypt 5 0 R /ID [<00> <00>]",
    ),
    "javascript-open-action": _with_actions(b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"),
    "launch-action": _with_actions(b"/OpenAction << /S /Launch /F (cmd.exe) /Win << /F (calc.exe) >> >>"),
    "additional-actions": _with_actions(b"/AA << /WC << /S /JavaScript /JS (this.submitForm\\('x'\\)) >> >>"),
    "deeply-nested-arrays": corpus.deeply_nested_pdf(20_000),
    "deeply-nested-dictionaries": corpus.handwritten_pdf(page_entries=b"/N " + b"<< /A " * 20_000 + b">> " * 20_000),
    "html-prefix": b"<html><body><script>alert(1)</script></body></html>\n" + corpus.pypdf_blank(),
    "zip-then-pdf": corpus.make_zip({"a.txt": b"hello"}) + corpus.pypdf_blank(),
    "pdf-then-zip": corpus.pypdf_blank() + corpus.make_zip({"a.txt": b"hello"}),
    "pdf-with-script-trailer": corpus.pdf_with_trailer(corpus.SCRIPT_PAYLOAD),
    "two-headers": b"%PDF-1.7\n%PDF-2.0\n" + simple_pdf()[9:],
}


# --- ZIP archives -----------------------------------------------------------------------------


def _zip_of(infos: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, data in infos:
            archive.writestr(info, data)
    return buffer.getvalue()


def symlink_zip(target: str = "../../../../etc/passwd") -> bytes:
    link = zipfile.ZipInfo("innocent.txt")
    link.create_system = 3  # Unix: the mode bits say "symbolic link"
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    return _zip_of([(link, target.encode()), (zipfile.ZipInfo("README.md"), b"# Artifact\n")])


def _patch_central_directory(
    content: bytes, *, compressed: int | None = None, uncompressed: int | None = None
) -> bytes:
    """Rewrite the sizes every central directory entry declares (offsets 20 and 24)."""
    data = bytearray(content)
    start = 0
    while (at := data.find(b"PK\x01\x02", start)) != -1:
        if compressed is not None:
            data[at + 20 : at + 24] = struct.pack("<I", compressed)
        if uncompressed is not None:
            data[at + 24 : at + 28] = struct.pack("<I", uncompressed)
        start = at + 4
    return bytes(data)


def overlapping_zip(entries: int = 200) -> bytes:
    """Many central directory entries, all pointing at the same local file: a "non-recursive"
    zip bomb (Fifield) that expands each time it is listed."""
    one = corpus.make_zip({"kernel.bin": bytes(4 * 1024 * 1024)})
    local_end = one.index(b"PK\x01\x02")
    central = one[local_end : one.index(b"PK\x05\x06")]
    directory = b"".join(central.replace(b"kernel.bin", b"kern%04d.b" % i) for i in range(entries))
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, entries, entries, len(directory), local_end, 0)
    return one[:local_end] + directory + end


def declared_entries_lie() -> bytes:
    """An end record that declares 65,535 entries and a directory far longer than the file."""
    one = corpus.make_zip({"a.txt": b"hello"})
    end_at = one.index(b"PK\x05\x06")
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFF, 0, 0)
    return one[:end_at] + end


def zip64_huge_sizes() -> bytes:
    """A member whose ZIP64 extra field declares exabytes."""
    info = zipfile.ZipInfo("huge.bin")
    content = bytearray(_zip_of([(info, b"x" * 100)]))
    at = content.index(b"PK\x01\x02")
    content[at + 20 : at + 28] = b"\xff" * 8
    name_length, extra_length = struct.unpack("<HH", content[at + 28 : at + 32])
    extra = struct.pack("<HHQQ", 0x0001, 16, 2**63 - 1, 2**63 - 1)
    content[at + 30 : at + 32] = struct.pack("<H", extra_length + len(extra))
    insert = at + 46 + name_length + extra_length
    content[insert:insert] = extra
    end = content.index(b"PK\x05\x06")
    size = struct.unpack("<L", content[end + 12 : end + 16])[0]
    content[end + 12 : end + 16] = struct.pack("<L", size + len(extra))
    return bytes(content)


@functools.cache
def nested_zip_bomb() -> bytes:
    inner = corpus.zip_bomb(20)
    return corpus.make_zip({f"layer{i}.zip": inner for i in range(10)}, compression=zipfile.ZIP_STORED)


def _too_many_entries() -> bytes:
    return corpus.make_zip({f"f{i}.txt": b"" for i in range(5_001)}, compression=zipfile.ZIP_STORED)


GOOD_ZIP = corpus.make_zip(corpus.GOOD_ZIP_MEMBERS)

ZIP_CORPUS: dict[str, bytes] = {
    "only-the-magic": b"PK",
    "empty-archive": corpus.make_zip({}),
    "random-after-magic": b"PK\x03\x04" + random.Random(3).randbytes(4096),
    "zip-bomb": corpus.zip_bomb(50),
    "nested-zip-bomb": nested_zip_bomb(),
    "overlapping-entries": overlapping_zip(),
    "declared-sizes-huge": _patch_central_directory(GOOD_ZIP, uncompressed=0xFFFFFFFE),
    "declared-compressed-zero": _patch_central_directory(GOOD_ZIP, compressed=0, uncompressed=0xFFFFFFF0),
    "zip64-exabytes": zip64_huge_sizes(),
    "entries-count-lies": declared_entries_lie(),
    "dot-dot": corpus.make_zip({"../../etc/cron.d/x": b"* * * * * root sh"}),
    "absolute": corpus.make_zip({"/etc/passwd": b"root::0:0"}),
    "backslashes": corpus.make_zip({"..\\..\\windows\\system32\\x.dll": b"MZ"}),
    "drive-letter": corpus.make_zip({"C:\\evil.bat": b"echo"}),
    "nested-dot-dot": corpus.make_zip({"a/b/../../../c": b"x"}),
    "nul-in-name": corpus.make_zip({"a\x00.txt/../../x": b"x"}),
    "symlink": symlink_zip(),
    "symlink-absolute": symlink_zip("/home/reviewer/.ssh/id_rsa"),
    "encrypted-member": corpus.zip_with_encrypted_member(),
    "too-many-entries": _too_many_entries(),
    "duplicate-names": corpus.make_zip({"a.txt": b"1", "b.txt": b"2"}).replace(b"b.txt", b"a.txt"),
    "truncated-central-directory": GOOD_ZIP[: GOOD_ZIP.index(b"PK\x01\x02") + 30],
    "truncated-end-record": GOOD_ZIP[:-10],
    "truncated-half": corpus.truncated(GOOD_ZIP),
}
