"""A local stand-in for NCBI's E-utilities (esearch, efetch, einfo for db=pubmed) over loopback HTTP.

It serves real PubMed XML from the shared corpus on a settable simulated clock (records appear
at their entrez date, later versions replace earlier ones), with NCBI's rate limit, a history
server, fault injection and a request log, so Bio.Entrez can be tested over real HTTP.
Start it with `standin.testing.running_standin(...)` or `standin.server.serve(...)`;
`standin.timeline` explains the compressed replay, `standin.versions` the late indexing.
"""
