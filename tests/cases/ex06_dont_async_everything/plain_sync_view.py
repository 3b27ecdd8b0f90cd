import json

from django.http import JsonResponse

from .passwords import hash_password


def register(request):
    return JsonResponse({"digest": hash_password(json.loads(request.body)["password"])})
