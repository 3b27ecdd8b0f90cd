# Source: Django docs, "Asynchronous support": sync views run in a worker thread under ASGI.
import json

from django.http import JsonResponse

from .passwords import hash_password


# right: Django runs a sync view in a worker thread, so the hashing is off the loop
def register(request):
    return JsonResponse({"digest": hash_password(json.loads(request.body)["password"])})
