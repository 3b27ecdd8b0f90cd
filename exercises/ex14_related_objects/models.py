from django.db import models


class Maker(models.Model):
    name = models.CharField(max_length=80)

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    name = models.CharField(max_length=80)
    maker = models.ForeignKey(Maker, on_delete=models.CASCADE, related_name="products")

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
