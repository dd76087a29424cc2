"""Shared by the benchmarks' Python parts: HTTP on loopback as a browser would send it."""
import http.client
import urllib.parse


class Server:
    def __init__(self, port):
        self.port = port

    def request(self, method, path, body=None, headers=None, cookie=""):
        """(response, body bytes); forms are said same-origin, as a browser says them."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        h = {"Sec-Fetch-Site": "same-origin", "Cookie": cookie}
        h.update(headers or {})
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        return r, r.read()

    def post_form(self, path, fields, cookie=""):
        body = urllib.parse.urlencode(fields)
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}, cookie)

    def post_file(self, path, fields, filename, data, cookie=""):
        """A multipart form: text `fields` and one file in the field `file`."""
        boundary = "----maillon-bench"
        body = b""
        for k, v in fields.items():
            body += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
                 f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}, cookie)

    def sign_in(self, email):
        """The session cookie of a demo account."""
        r, _ = self.post_form("/connexion", {"email": email, "password": "maillon-demo-2026", "suite": "/tableau-de-bord"})
        return r.getheader("Set-Cookie").split(";")[0]
