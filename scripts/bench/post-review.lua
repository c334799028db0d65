-- wrk script: POST one AdmissionReview body on every request (HTTP/1.1 keep-alive).
local f = assert(io.open(os.getenv("REVIEW"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
wrk.headers["Content-Type"] = "application/json"
f:close()
