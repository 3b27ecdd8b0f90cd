from django.http import JsonResponse

from course.shop import fetch_price

PRODUCTS = range(1, 51)


async def price_list(request):
    prices = [await fetch_price(product) for product in PRODUCTS]
    return JsonResponse({"prices": prices})
