// Runs a libFuzzer target over files and directories given on the command line, without
// libFuzzer, so that every ordinary (g++) build replays each corpus as a test.
#include <dirent.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool ReadFile(const std::string& path, std::vector<uint8_t>* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  out->clear();
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out->insert(out->end(), buf, buf + n);
  std::fclose(f);
  return true;
}

int Replay(const std::string& path, int* count) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    std::fprintf(stderr, "cannot stat %s\n", path.c_str());
    return 1;
  }
  if (S_ISDIR(st.st_mode)) {
    DIR* dir = opendir(path.c_str());
    if (dir == nullptr) return 1;
    std::vector<std::string> names;
    while (dirent* e = readdir(dir)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(path + "/" + name);
    }
    closedir(dir);
    for (const std::string& n : names) {
      if (Replay(n, count) != 0) return 1;
    }
    return 0;
  }
  std::vector<uint8_t> data;
  if (!ReadFile(path, &data)) return 1;
  LLVMFuzzerTestOneInput(data.data(), data.size());
  ++*count;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 0;
  for (int i = 1; i < argc; ++i) {
    if (Replay(argv[i], &count) != 0) return 1;
  }
  std::printf("replayed %d inputs\n", count);
  return count > 0 ? 0 : 1;
}
