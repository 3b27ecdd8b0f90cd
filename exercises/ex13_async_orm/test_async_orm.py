"""The spec of exercise 13. Run it alone with `pytest exercises/ex13_async_orm`."""

from decimal import Decimal

import pytest

# The async ORM runs each query in a worker thread with a connection of its
# own: the test's rows must be committed for that connection to see them.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shelf(exercise_urlconf: str) -> dict:
    # Imported here, after the harness checked that the exercise's code imports.
    from exercises.ex13_async_orm.models import Product

    rows = [("Teapot", "32.00", 4), ("Kettle", "24.50", 2), ("Toaster", "41.00", 0)]
    return {
        name: Product.objects.create(name=name, price=Decimal(price), stock=stock)
        for name, price, stock in rows
    }


async def test_the_catalogue_lists_the_products_in_stock(client, shelf):
    response = await client.get("/")

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "products": [{"name": "Kettle", "price": "24.50"}, {"name": "Teapot", "price": "32.00"}],
    }


async def test_a_product_is_found_by_its_id(client, shelf):
    response = await client.get(f"/{shelf['Teapot'].pk}/")

    assert response.status_code == 200
    assert response.json() == {"name": "Teapot", "price": "32.00", "stock": 4}


async def test_a_missing_product_is_a_404(client, shelf):
    missing = max(product.pk for product in shelf.values()) + 1

    response = await client.get(f"/{missing}/")

    assert response.status_code == 404
    kind = response.headers.get("content-type", "")
    assert kind.startswith("application/json"), (
        f"the 404 answer is {kind or 'of no type'}, not JSON — Django's own 404 page (after "
        "`Http404`, `get_object_or_404` or `aget_object_or_404`) is HTML, where this API "
        'promises JSON: answer `JsonResponse({"error": "no such product"}, status=404)`'
    )
    assert response.json() == {"error": "no such product"}
