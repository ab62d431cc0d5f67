#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets (tests/fuzz/corpus/).

    python3 tests/fuzz/mkseeds.py [DIR]

Seeds are small, realistic inputs: real reply shapes of each provider's
API (as its public documentation shows them), state files as the program
writes them, configs like the examples. The files are checked in; run this
again after changing it and commit what changes. Input formats are those
each target's header comment describes (fuzz_prov.c: a scenario byte, then
a status byte and a body per reply, replies separated by NUL).
"""

import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
A4, B4 = "93.184.216.34", "93.184.216.35"
A6, B6 = "2606:2800:220:1::1", "2606:2800:220:1::2"

# fuzz_prov.c's status table, by the index the status byte carries.
ST = {200: 0, 202: 1, 201: 4, 204: 5, 400: 6, 401: 7, 403: 8, 404: 9, 409: 10,
      429: 11, 500: 12, 503: 13, 302: 14, "fail": 15}
RETRY_AFTER = 16


def reply(status, body, retry_after=False):
    b = body if isinstance(body, (bytes, bytearray)) else (
        json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        if isinstance(body, (dict, list)) else str(body))
    if isinstance(b, str):
        b = b.encode()
    return bytes([ST[status] | (RETRY_AFTER if retry_after else 0)]) + b


def prov_seed(scen, *replies):
    return bytes([scen]) + b"\0".join(replies)


# --- Cloudflare --------------------------------------------------------------

def cf_env(result, success=True, errors=None):
    return {"success": success, "errors": errors or [], "messages": [],
            "result": result}


def cf_rec(rid, name, content, typ="A", ttl=1, proxied=False):
    return {"id": rid, "zone_id": "023e105f4ecef8ad9ca31a8372d0c353",
            "zone_name": "example.com", "name": name, "type": typ,
            "content": content, "proxiable": True, "proxied": proxied,
            "ttl": ttl, "settings": {}, "meta": {}, "comment": None,
            "tags": [], "created_on": "2024-01-01T05:20:00.12345Z",
            "modified_on": "2024-01-01T05:20:00.12345Z"}


ZONE = {"id": "023e105f4ecef8ad9ca31a8372d0c353", "name": "example.com",
        "status": "active", "paused": False, "type": "full"}


def cloudflare():
    z = reply(200, cf_env([ZONE]))
    empty = reply(200, cf_env([]))
    rid = {"home.example.com": "372e67954025e0ba6aaa6d586b9e0b59",
           "example.com": "372e67954025e0ba6aaa6d586b9e0b60"}
    rid6 = {"home.example.com": "372e67954025e0ba6aaa6d586b9e0b61",
            "example.com": "372e67954025e0ba6aaa6d586b9e0b62"}

    def rec(name, addr, typ="A"):
        return cf_rec((rid6 if typ == "AAAA" else rid)[name], name, addr, typ)

    def one(name, addr, typ="A"):
        return reply(200, cf_env(rec(name, addr, typ)))

    def batch(addr, typ="A", key="patches"):
        out = {"deletes": [], "patches": [], "puts": [], "posts": []}
        out[key] = [rec(n, addr, typ) for n in ("home.example.com",
                                               "example.com")]
        return reply(200, cf_env(out))

    def listing(*recs):
        info = {"page": 1, "per_page": 1000, "count": len(recs),
                "total_count": len(recs), "total_pages": 1}
        env = cf_env(list(recs))
        env["result_info"] = info
        return reply(200, env)

    err = reply(400, cf_env(None, False, [{"code": 9005, "message":
                                           "Content for A record is invalid."}]))
    auth = reply(403, cf_env(None, False, [{"code": 10000, "message":
                                            "Authentication error"}]))
    rate = reply(429, cf_env(None, False, [{"code": 971, "message":
                                            "Please wait"}]), True)
    gone = reply(404, cf_env(None, False, [{"code": 81044, "message":
                                            "Record does not exist."}]))
    h, a = "home.example.com", "example.com"
    return {
        # pass 1 creates both in one batch; pass 2 patches both by id
        "create_then_move": prov_seed(0, z, listing(), batch(A4, key="posts"),
                                      batch(B4)),
        # one exists with the old address, one is missing
        "update_and_create": prov_seed(0, z, listing(rec(h, B4)),
                                       reply(200, cf_env({
                                           "deletes": [], "puts": [],
                                           "patches": [rec(h, A4)],
                                           "posts": [rec(a, A4)]})),
                                       batch(B4)),
        # already right: nothing written; then a record vanished
        "current_then_gone": prov_seed(0, z, listing(rec(h, A4), rec(a, A4)),
                                       gone, listing(rec(h, A4)),
                                       one(h, B4), one(a, B4)),
        "dual_stack": prov_seed(1, z, listing(rec(h, A4), rec(a, B4)),
                                one(a, A4), listing(), batch(A6, "AAAA",
                                                         "posts"),
                                batch(B4), batch(B6, "AAAA")),
        "verify": prov_seed(2, z, listing(), batch(A4, key="posts"),
                            listing(rec(h, A4), rec(a, A4))),
        "errors": prov_seed(0, z, err, auth, rate, reply(500, "<html>oops"),
                            reply("fail", "")),
        "batch_refused": prov_seed(0, z, listing(), err, one(h, A4), err,
                                   auth, z, listing()),
        "zone_missing": prov_seed(0, empty, empty, empty),
        "truncated": prov_seed(0, z, reply(200, b'{"success":true,"result":[{"id'),
                               one(h, A4)),
        "wrong_shape": prov_seed(0, z, reply(200, cf_env({"id": 5})),
                                 reply(200, cf_env("x")), reply(200, [])),
        "echo_token": prov_seed(0, reply(400, cf_env(None, False, [{
            "code": 6003, "message": "Invalid request headers: "
            "Authorization: Bearer fzProvS3cret0123456789abcdefXYZ"}]))),
    }


# --- Alibaba Cloud DNS -------------------------------------------------------

def ali_rec(rid, rr, value, typ="A"):
    return {"DomainName": "example.com", "RecordId": rid, "RR": rr,
            "Type": typ, "Value": value, "TTL": 600, "Line": "default",
            "Status": "ENABLE", "Locked": False, "Weight": 1}


def alidns():
    main = reply(200, {"RequestId": "R3", "DomainName": "example.com",
                       "RR": "home", "DomainLevel": 2})
    apex = reply(200, {"RequestId": "R3", "DomainName": "example.com",
                       "RR": "@", "DomainLevel": 2})
    lst = lambda *r: reply(200, {"RequestId": "R1", "TotalCount": len(r),
                                 "PageNumber": 1, "PageSize": 20,
                                 "DomainRecords": {"Record": list(r)}})
    added = reply(200, {"RequestId": "R4", "RecordId": "1001"})
    err = lambda st, code, msg: reply(st, {
        "RequestId": "R2", "HostId": "alidns.aliyuncs.com", "Code": code,
        "Message": msg, "Recommend": "https://api.aliyun.com/troubleshoot"})
    return {
        "create": prov_seed(0, main, lst(), added, apex, lst(), added),
        "update": prov_seed(0, main, lst(ali_rec("77", "home", B4)), added,
                            apex, lst(ali_rec("78", "@", A4)), added,
                            added, added),
        "dual": prov_seed(1, main, lst(ali_rec("77", "home", A4),
                                       ali_rec("79", "home", A6, "AAAA")),
                          added, added, apex, lst(), added, added),
        "duplicate": prov_seed(0, main, lst(), err(400, "DomainRecordDuplicate",
                                                  "The DNS record already exists.")),
        "errors": prov_seed(0, err(403, "Forbidden.RAM", "User not authorized"),
                            err(400, "InvalidDomainName.NoExist", "no such"),
                            err(429, "Throttling.User", "Request was denied"),
                            err(503, "ServiceUnavailable", "busy")),
        "verify": prov_seed(2, main, lst(ali_rec("77", "home", A4)), apex,
                            lst(ali_rec("78", "@", A4)), lst(ali_rec("77", "home", A4))),
    }


# --- DNSPod (Tencent Cloud API 3.0) -------------------------------------------

def dp_resp(inner):
    inner = dict(inner)
    inner["RequestId"] = "req-1"
    return {"Response": inner}


def dp_rec(rid, name, value, typ="A"):
    return {"RecordId": rid, "Value": value, "Status": "ENABLE", "Name": name,
            "Line": "默认", "LineId": "0", "Type": typ, "TTL": 600, "MX": 0,
            "Weight": None}


def dnspod():
    lst = lambda *r: reply(200, dp_resp({
        "RecordCountInfo": {"SubdomainCount": len(r), "TotalCount": len(r),
                            "ListCount": len(r)}, "RecordList": list(r)}))
    done = lambda rid: reply(200, dp_resp({"RecordId": rid}))
    err = lambda code, msg: reply(200, dp_resp({"Error": {"Code": code,
                                                          "Message": msg}}))
    nodata = err("ResourceNotFound.NoDataOfRecord", "No records on the list")
    return {
        "create": prov_seed(0, nodata, done(101), nodata, done(102)),
        "update": prov_seed(0, lst(dp_rec(555, "home", B4)), done(555),
                            lst(dp_rec(556, "@", B4)), done(556), done(555),
                            done(556)),
        "dual": prov_seed(1, lst(dp_rec(555, "home", A4),
                                 dp_rec(557, "home", A6, "AAAA")), done(555),
                          done(557), nodata, done(558), done(559)),
        "walk": prov_seed(0, err("InvalidParameterValue.DomainNotExists",
                                 "domain not exist"), nodata, done(1)),
        "errors": prov_seed(0, err("AuthFailure.SignatureFailure", "bad sig"),
                            err("RequestLimitExceeded", "slow down"),
                            err("InternalError", "oops"),
                            err("AuthFailure.SignatureExpire", "clock")),
        "verify": prov_seed(2, lst(dp_rec(555, "home", A4)),
                            lst(dp_rec(556, "@", A4)), lst(dp_rec(555, "home", A4))),
    }


# --- Huawei Cloud DNS ----------------------------------------------------------

ZID = "ff8080825b8fc86c015b94bc6f8712c3"


def hw_rs(rid, name, recs, typ="A"):
    return {"id": rid, "name": name, "type": typ, "ttl": 300,
            "records": recs, "line": "default_view", "status": "ACTIVE",
            "zone_id": ZID}


def huaweicloud():
    zones = lambda *z: reply(200, {"links": {}, "zones": [
        {"id": i, "name": n, "zone_type": "public", "ttl": 300}
        for i, n in z], "metadata": {"total_count": len(z)}})
    rsets = lambda *r: reply(200, {"links": {}, "recordsets": list(r),
                                   "metadata": {"total_count": len(r)}})
    created = lambda rid: reply(202, {"id": rid, "name": "home.example.com.",
                                      "status": "PENDING_CREATE"})
    err = lambda st, code, msg: reply(st, {"code": code, "message": msg})
    gw = lambda st, code, msg: reply(st, {"error_code": code,
                                          "error_msg": msg, "request_id": "abc"})
    z = zones((ZID, "example.com."))
    none = zones()
    h, n = "home.example.com.", "nas.example.com."
    put = lambda rid, name, a: reply(202, hw_rs(rid, name, [a]))
    return {
        # the walk asks home.example.com (none), then example.com
        "create_then_move": prov_seed(0, none, z, rsets(), created("r1"),
                                      rsets(), created("r2"),
                                      put("r1", h, B4), put("r2", n, B4)),
        "update": prov_seed(0, none, z, rsets(hw_rs("r1", h, [B4])),
                            put("r1", h, A4), rsets(hw_rs("r2", n, [A4])),
                            put("r1", h, B4), put("r2", n, B4)),
        "dual": prov_seed(1, none, z, rsets(hw_rs("r1", h, [A4])),
                          rsets(hw_rs("r3", h, [A6], "AAAA")), rsets(),
                          created("r4"), rsets(), created("r5"),
                          put("r1", h, B4), put("r3", h, B6)),
        "verify": prov_seed(2, none, z, rsets(hw_rs("r1", h, [A4])),
                            rsets(hw_rs("r2", n, [A4])),
                            rsets(hw_rs("r1", h, [A4])),
                            rsets(hw_rs("r2", n, [A4]))),
        "errors": prov_seed(0, gw(401, "APIGW.0301", "Incorrect IAM auth"),
                            gw(429, "APIGW.0308", "throttled"),
                            err(400, "DNS.0303", "invalid"),
                            err(404, "DNS.0101", "zone does not exist"),
                            gw(500, "APIGW.0101", "busy")),
    }


# --- the small update protocols --------------------------------------------------

NC_OK = ('<?xml version="1.0" encoding="utf-16"?>\r\n<interface-response>'
         '<Command>SETDNSHOST</Command><Language>eng</Language><IP>%s</IP>'
         '<ErrCount>0</ErrCount><errors /><ResponseCount>0</ResponseCount>'
         '<Done>true</Done><debug><![CDATA[]]></debug></interface-response>')
NC_ERR = ('<?xml version="1.0"?><interface-response><Command>SETDNSHOST'
          '</Command><ErrCount>1</ErrCount><errors><Err1>%s</Err1></errors>'
          '<ResponseCount>1</ResponseCount><responses><response>'
          '<ResponseNumber>304156</ResponseNumber><ResponseString>Validation '
          'error</ResponseString></response></responses><Done>true</Done>'
          '</interface-response>')


def namecheap():
    ok = lambda a: reply(200, NC_OK % a)
    return {
        "ok": prov_seed(0, ok(A4), ok(A4), ok(B4), ok(B4)),
        "errors": prov_seed(0, reply(200, NC_ERR % "Passwords do not match"),
                            reply(200, NC_ERR % "No Records updated. A record "
                                  "not Found;"), ok(A4)),
        "http": prov_seed(0, reply(500, "<html>busy</html>", True),
                          reply(200, "<interface-response><ErrCount> 0 "
                                "</ErrCount></interface-response>")),
    }


def duckdns():
    return {
        "ok": prov_seed(0, reply(200, "OK"), reply(200, "OK")),
        "verbose": prov_seed(1, reply(200, "OK\n%s\n%s\nUPDATED" % (A4, A6)),
                             reply(200, "OK\n%s\n%s\nNOCHANGE" % (B4, B6))),
        "ko": prov_seed(0, reply(200, "KO"), reply(401, "KO"),
                        reply(503, "<html>busy</html>", True)),
    }


def dyndns2_replies():
    return {
        "good": prov_seed(0, reply(200, "good %s\ngood %s\n" % (A4, A4)),
                          reply(200, "nochg %s\ngood %s" % (B4, B4))),
        "dual": prov_seed(1, reply(200, "good %s\ngood %s" % (A4, A4)),
                          reply(200, "good %s\ngood %s" % (A6, A6)),
                          reply(200, "good %s\ngood %s" % (B4, B4)),
                          reply(200, "good %s\ngood %s" % (B6, B6))),
        "codes": prov_seed(0, reply(200, "nohost\n!yours"),
                           reply(200, "badauth"), reply(200, "911"),
                           reply(401, ""), reply(200, "abuse\ngood %s" % A4)),
    }


def http_hook():
    return {
        "ok": prov_seed(0, reply(200, '{"result":"updated"}'),
                        reply(204, ""), reply(200, "status: updated %s" % B4),
                        reply(200, "updated")),
        "fail": prov_seed(0, reply(200, "KO"), reply(429, "slow down", True),
                          reply(500, "oops"), reply(401, "nope")),
    }


# --- dyndns2 line parser (fuzz_dyndns2.c) ------------------------------------------

def dyndns2_lines():
    seeds = {}
    hosts = 6
    lines = {
        "all_good": "\n".join("good %s" % A4 for _ in range(hosts)),
        "mixed": "good %s\nnochg %s\nnohost\n!yours\nnotfqdn\nabuse" %
                 (A4, A4),
        "account": "badauth",
        "server": "911",
        "dnserr": "dnserr\n",
        "numhost": "numhost",
        "crlf": "good %s\r\nnochg %s\r\n" % (A4, A4),
        "upper": "GOOD %s\nNOCHG" % A4,
        "short": "good %s" % A4,
        "v6": "good %s\ngood %s\ngood %s,%s" % (A6, A6, A4, A6),
        "donator": "!donator",
        "badagent": "badagent",
        "html": "<html><body>good</body></html>",
    }
    for i, (name, body) in enumerate(sorted(lines.items())):
        sel = i % 8 | (8 if "v6" in name or i % 3 == 0 else 0)
        seeds[name] = bytes([sel, 0]) + body.encode()
    seeds["status_401"] = bytes([3, 4]) + b"badauth"
    seeds["status_503"] = bytes([5 | 16, 7]) + b"911"
    return seeds


# --- address extraction --------------------------------------------------------------

def addr_extract():
    trace = ("fl=467f42\nh=1.1.1.1\nip=%s\nts=1717000000.123\n"
             "visit_scheme=https\nuag=curl/8\ncolo=AMS\nloc=NL\n" % A4)
    return {
        "trace": trace, "trace6": trace.replace(A4, A6),
        "bare": A4 + "\n", "bare6": A6 + "\n",
        "ipip": "当前 IP：%s  来自于：美国 加利福尼亚州 洛杉矶  edgecast.com\n" % A4,
        "json": json.dumps({"ip": A4, "country": "US"}),
        "json6": json.dumps({"ip": A6}),
        "html_private": ("<html><head><title>502 Bad Gateway</title></head>"
                         "<body><p>Your router 192.168.1.1 could not reach"
                         " the upstream.</p></body></html>"),
        "leading_zero": "010.1.1.1", "five_parts": "1.2.3.4.5",
        "mapped": "::ffff:1.2.3.4", "zone": "fe80::1%eth0",
        "sentence": "Your address is %s." % A4,
        "ip_line_ws": "  ip = %s \r\n" % A4,
        "garbage": b"\x00\xff\xfe garbage 999.1.2.3 256.256.256.256 v=1.2.3 ::g",
        "two": "%s %s" % (A4, B4),
        "v6_full": "2606:2800:0220:0001:0000:0000:0000:0001",
        "v6_dotted": "::ffff:93.184.216.34 64:ff9b::93.184.216.34",
    }


# --- state files --------------------------------------------------------------------

STATE_HEAD = ("; ddns-update state: what each record was last set to.\n"
              "; Written by ddns-update after every change; deleting it "
              "makes the next run\n; re-check every record with its "
              "provider.\n")


def state_load():
    rec = ("\n[home A home.example.com]\naddress = %s\nupdated = "
           "2026-11-25T10:00:00Z\nzone_id = 023e105f4ecef8ad9ca31a8372d0c353\n"
           "record_id = 372e67954025e0ba6aaa6d586b9e0b59\n" % A4)
    rec6 = ("\n[home AAAA home.example.com]\naddress = %s\nupdated = "
            "2026-11-25T10:00:00Z\n" % A6)
    cache = ("\n[home]\nzone_id.example.com = 023e105f4ecef8ad9ca31a8372d0c353"
             "\nretry_not_before = 1780000000\n")
    return {
        "full": STATE_HEAD + rec + rec6 + cache,
        "one": STATE_HEAD + rec,
        "empty": "",
        "bad_addr": "[home A x.example.com]\naddress = 93.184.216.034\n",
        "bad_time": "[a A b.c]\naddress = %s\nupdated = 2026-02-31T25:61:61Z\n"
                    % A4,
        "dup": "[a A b.c]\naddress = %s\n[a A b.c]\naddress = %s\n" % (A4, B4),
        "continuation": "[a A b.c]\naddress = %s\nrecord_id = x\n  y\n" % A4,
        "binary": bytes(range(256)),
        "bom": b"\xef\xbb\xbf" + (STATE_HEAD + rec).encode(),
        "comments": "[a AAAA b.c] ; x\naddress = %s ; y\n# z\n" % A6,
    }


# --- configs ------------------------------------------------------------------------

GENERAL = ("[general]\nstate_file = ${FUZZ_DIR}/state.ini\ntimeout = 10\n"
           "ipv4 = https://api.ipify.org cmd:echo %s iface:eth0\n"
           "ipv6 = off\nallow_private = no\nrefresh = 1d\n\n" % A4)


def config():
    accts = {
        "cloudflare": "provider = cloudflare\ntoken = ${FUZZ_SECRET}\n"
                      "zone = example.com\nrecords = home.example.com "
                      "example.com\ntype = A AAAA\nttl = 300\nproxied = no\n",
        "cloudflare_file": "provider = cloudflare\ntoken_file = "
                           "${FUZZ_DIR}/secret.txt\nzone_id = "
                           "023e105f4ecef8ad9ca31a8372d0c353\nrecords = "
                           "Home.Example.COM.\n",
        "alidns": "provider = alidns\naccess_key_id = LTAI5tFuzzKeyId0001\n"
                  "access_key_secret = ${FUZZ_SECRET}\nrecords = "
                  "home.example.com\nline = default\n",
        "dnspod": "provider = dnspod\nsecret_id = AKIDfuzz0123456789abcdef01"
                  "23456789\nsecret_key = ${FUZZ_SECRET}\nrecords = "
                  "home.example.com\nrecord_line = 默认\n",
        "huaweicloud": "provider = huaweicloud\naccess_key = HPUAFUZZKEY0000"
                       "00001\nsecret_key_file = ${FUZZ_DIR}/secret.txt\n"
                       "records = home.example.com\nzone = example.com\n",
        "dyndns2": "provider = dyndns2\nserver = https://members.example.net"
                   "/nic/update\nusername = alice\npassword = ${FUZZ_SECRET}"
                   "\nrecords = a.example.net b.example.net\n"
                   "hosts_per_request = 2\nipv6_mode = myipv6\n",
        "noip": "provider = noip\nusername = alice\npassword = "
                "${FUZZ_SECRET}\nrecords = home.ddns.net\n",
        "he": "provider = he\npassword = ${FUZZ_SECRET}\nrecords = "
              "home.example.com\n",
        "namecheap": "provider = namecheap\ndomain = example.com\npassword = "
                     "${FUZZ_SECRET}\nrecords = home.example.com example.com\n",
        "duckdns": "provider = duckdns\ntoken = ${FUZZ_SECRET}\nrecords = "
                   "one.duckdns.org\ntype = A AAAA\n",
        "http": "provider = http\nurl = https://hook.example.com/u?h={name}"
                "&ip={ip}&t={token}\ntoken = ${FUZZ_SECRET}\nmethod = POST\n"
                "body = {\"name\":\"{name}\",\"ip\":\"{ip}\"}\nheaders = "
                "Authorization: Bearer {token}; X-Record: {name}\n"
                "success = \"updated\"\nrecords = home.example.com\n",
        "insecure": "provider = dyndns2\nserver = http://127.0.0.1:8080/nic"
                    "/update\ninsecure_http = yes\nusername = u\npassword = "
                    "${FUZZ_SECRET}\nrecords = a.example.net\n",
    }
    seeds = {}
    for name, body in accts.items():
        seeds[name] = GENERAL + "[acct]\n" + body
    seeds["notify"] = (GENERAL + "[acct]\n" + accts["cloudflare"] +
                       "\n[notify]\nurl = https://hooks.example.com/x?k="
                       "${FUZZ_SECRET}\nbody = {\"text\":\"{name} {ip}\"}\n"
                       "command = logger ddns {name}\non = change failure\n")
    seeds["two_accounts"] = (GENERAL + "[a]\n" + accts["cloudflare"] +
                             "\n[b]\n" + accts["duckdns"])
    seeds["errors"] = ("[general]\ntimeout = -1\nipv4 = ftp://x\nbogus = 1\n"
                       "[x]\nprovider = nosuch\n[y]\nprovider = cloudflare\n"
                       "token = a b\nrecords = -bad-.example.com\ntype = MX\n"
                       "[y]\nttl = 1y\n")
    seeds["env_missing"] = GENERAL + "[a]\nprovider = duckdns\ntoken = ${NOPE}\n"
    seeds["continuation"] = (GENERAL + "[a]\nprovider = cloudflare\ntoken = "
                             "${FUZZ_SECRET}\nrecords = a.example.com\n"
                             "  b.example.com\n")
    return seeds


# --- templates --------------------------------------------------------------------------

def tmpl():
    vals = [b"home.example.com", A4.encode(), A4.encode(), A6.encode(),
            b"A", b"tok+en/=&x y", b"example.com"]
    seeds = {}
    for i, t in enumerate([
            "https://hook.example.com/update?h={name}&ip={ip}&t={token}",
            '{"name":"{name}","ip":"{ip}","type":"{type}"}',
            "Authorization: Bearer {token}",
            "{unknown} {name",
            "{}{{name}}{ip4}{ip6}{zone_1}",
            "plain text, no braces"]):
        for how in (0, 1):
            n = len(vals) if i != 3 else 2
            seeds["t%d_%s" % (i, "url" if how else "raw")] = (
                bytes([how]) + t.encode() + b"\0" + b"\0".join(vals[:n]))
    return seeds


TARGETS = {
    "addr_extract": addr_extract, "config": config, "state_load": state_load,
    "tmpl": tmpl, "dyndns2": dyndns2_lines,
    "prov_cloudflare": cloudflare, "prov_alidns": alidns,
    "prov_dnspod": dnspod, "prov_huaweicloud": huaweicloud,
    "prov_dyndns2": dyndns2_replies, "prov_namecheap": namecheap,
    "prov_duckdns": duckdns, "prov_http": http_hook,
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    total = 0
    for target, make in TARGETS.items():
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for name, data in make().items():
            if isinstance(data, str):
                data = data.encode()
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            total += 1
    print("wrote %d seeds under %s" % (total, out))


if __name__ == "__main__":
    main()
