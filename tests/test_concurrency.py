"""Nothing acknowledged is lost: many readers posting at once to a real multi-worker server."""

import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from scripts import harness
from tests.pages import form_token


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_every_acknowledged_comment_is_stored(gunicorn_site):
    base, env = gunicorn_site
    page = urllib.request.urlopen(f"{base}/points/bl23-shenshu/").read().decode()  # noqa: S310
    token = form_token(page)
    opener = urllib.request.build_opener(NoRedirect)

    def send(number):
        body = urllib.parse.urlencode(
            {"name": f"Reader {number}", "text": f"Comment {number}", "token": token}
        ).encode()
        try:
            opener.open(f"{base}/points/bl23-shenshu/comments/", body, timeout=30)
        except urllib.error.HTTPError as response:
            return response.code
        return 200

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(send, range(120)))

    acknowledged = statuses.count(303)
    count = harness.manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from points.models import Comment; print(Comment.objects.count())",
    )
    assert acknowledged == 120, statuses
    assert int(count) == acknowledged
