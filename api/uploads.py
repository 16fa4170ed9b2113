"""Reading a multipart upload as a stream: the file part goes piece by piece into a spool
(``workflows.attachments.spool``), never whole into memory, and reading stops as soon as the
file passes its limit. A body announced larger than any acceptable upload is refused before a
byte of it is read.
"""

from __future__ import annotations

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from workflows.attachments.spool import Spool
from workflows.core.errors import FileTooLarge, InvalidUpload

PIECE = 64 * 1024
# Room for the multipart framing and a few small fields around the file.
FRAMING_ALLOWANCE = 64 * 1024
FIELD_NAME = "file"


def receive_file(request: Request, spool: Spool) -> str | None:
    """Stream the body's ``file`` part into ``spool``; the file name the client gave."""
    mimetype, options = parse_options_header(request.headers.get("Content-Type", ""))
    boundary = options.get("boundary", "")
    if mimetype != "multipart/form-data" or not boundary:
        raise InvalidUpload("请以 multipart/form-data 上传，文件放在名为 file 的字段中")
    allowed = spool.limit + FRAMING_ALLOWANCE
    if request.content_length is not None and request.content_length > allowed:
        raise FileTooLarge(f"请求超过了单个文件 {spool.limit / (1024 * 1024):g} MB 的上限，未保存")
    request.max_content_length = allowed  # a body without a length is cut off here
    # Every event is taken out after each piece, so the decoder holds little more than a piece.
    decoder = MultipartDecoder(boundary.encode("latin-1"), max_form_memory_size=4 * PIECE,
                               max_parts=16)
    stream = request.stream
    filename: str | None = None
    found = receiving = finished = False
    try:
        while not finished:
            piece = stream.read(PIECE)
            decoder.receive_data(piece or None)
            event = decoder.next_event()
            while not isinstance(event, NeedData):
                if isinstance(event, File):
                    receiving = event.name == FIELD_NAME and not found
                    if receiving:
                        found, filename = True, event.filename
                elif isinstance(event, Field):
                    receiving = False
                elif isinstance(event, Data) and receiving:
                    spool.write(event.data)
                elif isinstance(event, Epilogue):
                    finished = True
                    break
                event = decoder.next_event()
            if not piece:
                break
    except RequestEntityTooLarge:
        raise FileTooLarge("上传的请求过大或分段过多，未保存") from None
    except ValueError:
        raise InvalidUpload("上传的 multipart 内容不完整或格式有误") from None
    if not (found and finished):
        raise InvalidUpload("请求中没有完整的文件：请把文件放在名为 file 的字段中上传")
    return filename
