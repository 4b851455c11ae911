from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """`?page=N&page_size=M`, at most 100 items a page; an out-of-range page is a 404 problem."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
