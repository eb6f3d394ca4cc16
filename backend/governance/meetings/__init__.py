"""Joint meetings (四方联席会议): the community party organisation, the estate party branch,
the property company and the owners' committee meet, decide items and settle disputes."""
