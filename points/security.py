"""Cross-site request forgery protection without a per-visitor token.

Public pages carry the comment form, and they must be cacheable by Django and by a CDN, which a
per-visitor CSRF token in the HTML would prevent. Browsers tell a server where a POST comes from
(the Fetch Metadata header `Sec-Fetch-Site`, and `Origin`), so the comment views refuse a post that
a browser says comes from another site, the approach of Go's http.CrossOriginProtection and of
OWASP's "verifying origin with standard headers". A request with neither header is not from a
modern browser, so no visitor's browser can be tricked into sending it. The admin keeps Django's
token-based CSRF protection.
"""

from functools import wraps

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.shortcuts import render

SAME_SITE_VALUES = {"same-origin", "none"}


def is_cross_origin(request):
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in SAME_SITE_VALUES
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin != f"{request.scheme}://{request.get_host()}"


def require_same_origin(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_cross_origin(request):
            return render(request, "403_cross_origin.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", ""}


class RefuseFiles(FileUploadHandler):
    """Notes that a multipart body carries a file and skips its bytes: nothing is stored."""

    def new_file(self, *args, **kwargs):
        self.request.sent_files = True
        raise SkipFile

    def receive_data_chunk(self, raw_data, start):
        return None

    def file_complete(self, file_size):
        return None


def limit_form_body(max_bytes):
    """Refuse what a plain form never sends: bodies over the form's own limit and other content
    types, before a byte of the body is read; and file parts (the form has no file field).

    Without this, Django streams a multipart body's files, however large, to memory or disk
    when the view reads request.POST. A multipart body within the limit is read (at most
    max_bytes) with a handler that stores no file. Nothing before this may touch request.POST.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
            if content_type not in FORM_CONTENT_TYPES:
                return refuse_body(415, "This form is sent as form fields; no other body.")
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return refuse_body(400, "The request's Content-Length is not a number.")
            if length > max_bytes:
                return refuse_body(
                    413, f"This form was {length} bytes; the most it may be is {max_bytes}."
                )
            if content_type == "multipart/form-data":
                request.upload_handlers = [RefuseFiles(request)]
                request.POST  # noqa: B018 - parse now, with the handler that keeps no file
                if getattr(request, "sent_files", False):
                    return refuse_body(400, "This form takes no files; send it without them.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def refuse_body(status, message):
    # Connection: close, so a server does not wait to read the body we did not want.
    response = HttpResponse(message + "\n", status=status, content_type="text/plain")
    response["Connection"] = "close"
    return response
