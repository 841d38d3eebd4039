#include "engine/subject/subject.h"

#include "gtest/gtest.h"

namespace na::subject {
namespace {

struct ValidityCase {
  const char* subject;
  bool valid;    // as a SUB filter
  bool literal;  // as a publish subject
};

// Rows from nats-reference.md §1.6 (checked live against nats-server 2.9.10) and sublist.go.
constexpr ValidityCase kValidityCases[] = {
    {"foo", true, true},
    {"foo.bar", true, true},
    {"foo.bar.baz", true, true},
    {"*", true, false},
    {">", true, false},
    {"foo.*", true, false},
    {"foo.>", true, false},
    {"*.bar", true, false},
    {"foo.*.baz", true, false},
    {"*.*.>", true, false},
    // Wildcard characters inside a longer token are literal characters.
    {"a*", true, true},
    {"a.b*.c", true, true},
    {"a.>b", true, true},
    {">a", true, true},
    {"a.**", true, true},
    {"$SYS.REQ", true, true},
    {"_INBOX.abc123", true, true},
    {"unicode.éß", true, true},
    // Structure errors.
    {"", false, false},
    {".", false, false},
    {"a..b", false, false},
    {".a", false, false},
    {"a.", false, false},
    {"..", false, false},
    {"a.>.b", false, false},
    {">.a", false, false},
    {">.>", false, false},
    {"foo.>.*", false, false},
    // Whitespace anywhere in a token.
    {"foo bar", false, false},
    {"foo.b ar", false, false},
    {"foo.\tbar", false, false},
    {"foo.bar\n", false, false},
    {"foo.\r", false, false},
    {"\f", false, false},
    {" ", false, false},
    {"a. .b", false, false},
};

TEST(SubjectTest, ValidityTable) {
  for (const ValidityCase& c : kValidityCases) {
    EXPECT_EQ(IsValidSubject(c.subject), c.valid) << "subject '" << c.subject << "'";
    EXPECT_EQ(IsValidLiteralSubject(c.subject), c.literal) << "subject '" << c.subject << "'";
  }
}

TEST(SubjectTest, MatchesFilter) {
  struct Case {
    const char* subject;
    const char* filter;
    bool match;
  };
  constexpr Case kCases[] = {
      {"foo", "foo", true},
      {"foo", "bar", false},
      {"foo.bar", "foo.*", true},
      {"foo.bar.baz", "foo.*", false},
      {"foo", "foo.*", false},
      {"foo.bar", "foo.>", true},
      {"foo.bar.baz", "foo.>", true},
      {"foo", "foo.>", false},
      {"foo", ">", true},
      {"a.b.c", ">", true},
      {"a.b.c", "*.b.*", true},
      {"a.b.c", "*.*", false},
      {"a.b.c", "*.*.*.>", false},
      {"a.b.c.d", "*.*.*.>", true},
      // "a*" is a literal token, not a wildcard.
      {"a*", "a*", true},
      {"ab", "a*", false},
      {"a.>b", "a.>", true},
      {"a.x", "a.>b", false},
      {"foo.bar", "foo.bar.baz", false},
      {"foo.bar.baz", "foo.bar", false},
      {"Foo", "foo", false},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(SubjectMatchesFilter(c.subject, c.filter), c.match)
        << "subject '" << c.subject << "' filter '" << c.filter << "'";
  }
}

TEST(SubjectTest, Collide) {
  struct Case {
    const char* a;
    const char* b;
    bool collide;
  };
  constexpr Case kCases[] = {
      {"foo", "foo", true},
      {"foo", "bar", false},
      {"foo.*", "foo.bar", true},
      {"foo.*", "*.bar", true},
      {"foo.*", "bar.*", false},
      {"foo.>", "foo", false},
      {"foo.>", "foo.bar.baz", true},
      {"foo.>", "*.*", true},
      {"*", "foo.bar", false},
      {">", "foo.bar", true},
      {"*.*", "*.*.*", false},
      {"*.>", "a", false},
      {"*.>", "a.b", true},
      {"foo.*.baz", "foo.bar.*", true},
      {"foo.*.baz", "foo.bar.qux", false},
      {"a.b.>", "a.*.c.>", true},
      {"a.b", "a.b.>", false},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(SubjectsCollide(c.a, c.b), c.collide) << c.a << " vs " << c.b;
    EXPECT_EQ(SubjectsCollide(c.b, c.a), c.collide) << c.b << " vs " << c.a;
  }
}

TEST(SubjectTest, TokenCount) {
  EXPECT_EQ(TokenCount(""), 0);
  EXPECT_EQ(TokenCount("foo"), 1);
  EXPECT_EQ(TokenCount("foo.bar"), 2);
  EXPECT_EQ(TokenCount("foo.*.>"), 3);
  EXPECT_EQ(TokenCount("a..b"), 3);
}

}  // namespace
}  // namespace na::subject
