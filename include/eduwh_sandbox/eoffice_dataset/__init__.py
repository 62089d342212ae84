"""The built-in Quảng Ngãi 2019 data set of e-Office (contracts/eoffice.md).

``generate_eoffice(out_dir, meta, seed=2019)`` (``generator``) writes, in the layout of
contracts/sandbox_dataset.md::

    eoffice/vanban.jsonl        every version of every document (listing fields)
    eoffice/edxml/{id}.edxml    the edXML package of each non-secret document with co_edxml

and returns ``{"documents": {...}, "quarantine": {...}}``: the documents section of
report_figures.md for ``meta["as_of"]``, counted again from the files as written by
``count_documents`` (an independent reading of the contract's figure definitions), and
the packages that a reader must put in quarantine, by reason.

Volumes. The seed report (section 4) cites the Department's own "Công văn số
951/SGDĐT-VP ngày 16/7/2019": 951 outgoing công văn by mid-July, i.e. about 1,800
công văn a year, plus decisions, plans, reports and invitations — about 2,000 outgoing
documents a year. Incoming mail of a provincial Department runs at two to three times its
outgoing (Ministry, provincial People's Committee and its office, the other
Departments, 14 district offices of education, its own schools): about 4,500 a year.
Here: about 18 incoming and 8 outgoing per working day from October 2018 to December
2019.

The seed states that 100 % of non-secret documents sent and received were digitally
signed and went through e-Office over the interconnection axis since 22 July 2019; the
2019 figures are computed, not forced: every 2019 document has a signed package except
ONE incoming document whose package carries no Signature although the listing says
``ky_so = true`` (a quality finding) — 4,000-odd signed out of 4,000-odd + 1 still
rounds to 100.0 %.

What a client must cope with (all deliberate):

- every document is stored once per version (received → assigned → in processing →
  processed; outgoing: sent → received by the recipients), ``cap_nhat_luc`` ISO 8601
  with ``+07:00``;
- secret documents (``do_mat`` mat / toi_mat / tuyet_mat, ~1 %) are listed with every
  field, like the real system lists them; each carries a unique planted marker
  ``MẬT-PLANT-<n>`` in ``trich_yeu``, ``so_ky_hieu`` and ``nguoi_ky`` so that a test can
  prove none of it reaches the warehouse. Some say ``co_edxml = true`` but their package
  never exists (the stand-in answers 404);
- late-2018 documents on paper (``kenh = giay``, no package), received before the
  period; documents dated after the as-of date; receipts refused (``trang_thai 02``,
  no ``ngay_den``);
- packages: both namespaces (the standard's and the wrong ``http://www.go.vn/eDoc``),
  both roots (``edXMLEnvelope``, ``EdXMLEnvelope``), ``PromulgationDate`` written
  ``dd/MM/yyyy`` or ``yyyy/MM/dd``, base64 on one line or wrapped at 76 columns;
- four malformed packages (December 2018, before the period): truncated XML, unknown
  namespace, a header without ``DocumentId``, an attachment that is not base64; and one
  package signed although its listing says ``ky_so = false`` (October 2018).

Signatures have the XML-DSig structure (SignedInfo with CanonicalizationMethod,
SignatureMethod, Reference/DigestValue; SignatureValue; KeyInfo/X509Data with
X509SubjectName and X509Certificate). Certificates are real DER X.509 certificates
issued by a sandbox "CA phục vụ các cơ quan Nhà nước" with fixture RSA keys (PEM files
in ``fixtures/``, written once by ``fixtures/make_signing_keys.py``), so the whole data set
is byte-for-byte repeatable.
DigestValue is the SHA-256 of the MessageHeader as written and SignatureValue a
deterministic stand-in: the structure is real, the signature is not meant to verify.

Attachment sizes: ``sizes="compact"`` (default) keeps the data set around 100 MB
(1-32 KB bodies); ``sizes="realistic"`` gives 50 KB-2 MB PDFs (several GB for a year);
``big=N`` adds N attachments of 20-60 MB to documents dated after the as-of date.

Modules: ``catalogue`` (agencies, document types, signers), ``documents`` (the documents
and their versions), ``packages`` (the edXML writer), ``certificates``, ``figures`` (the
independent count) and ``generator`` (the folder and its figures).
"""

from eduwh_sandbox.eoffice_dataset.generator import add_documents_to_expected, generate_eoffice

__all__ = ["add_documents_to_expected", "generate_eoffice"]
